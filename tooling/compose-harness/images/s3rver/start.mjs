// Starts s3rver on 0.0.0.0:$S3RVER_PORT with its data in $S3RVER_DIRECTORY and creates every
// bucket named in $S3RVER_BUCKETS (comma-separated) before it accepts requests.
// Requests are path-style (`http://s3:4568/media/key`); S3RVER_VHOST_BUCKETS=true turns on
// s3rver's virtual-host and CNAME bucket addressing.
// Stops cleanly on SIGTERM/SIGINT (node runs as PID 1 in the container).
import S3rver from 's3rver';

const port = Number(process.env.S3RVER_PORT ?? '4568');
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`S3RVER_PORT must be a port number, got "${process.env.S3RVER_PORT}"`);
  process.exit(1);
}
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const buckets = (process.env.S3RVER_BUCKETS ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
for (const name of buckets) {
  if (!bucketPattern.test(name)) {
    console.error(`S3RVER_BUCKETS: "${name}" is not a valid S3 bucket name`);
    process.exit(1);
  }
}

const server = new S3rver({
  address: process.env.S3RVER_ADDRESS ?? '0.0.0.0',
  port,
  directory: process.env.S3RVER_DIRECTORY ?? '/data',
  silent: process.env.S3RVER_SILENT === 'true',
  // Path-style only: otherwise s3rver takes any host name that is not an IP address or
  // `localhost` (e.g. the compose service name `s3`) for a bucket name (CNAME-style access).
  vhostBuckets: process.env.S3RVER_VHOST_BUCKETS === 'true',
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});

const { address, port: boundPort } = await server.run();
console.log(
  `s3rver listening on ${address}:${boundPort}, buckets: ${buckets.join(', ') || '(none)'}`,
);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error('s3rver did not close cleanly:', error);
        process.exit(1);
      },
    );
  });
}
