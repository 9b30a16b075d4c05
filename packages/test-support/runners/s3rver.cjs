'use strict';
// Child-process entry for startS3rver(): runs s3rver on 127.0.0.1 with an OS-assigned port,
// prints one JSON line `{"port":N}` when it listens, and exits when its parent goes away
// (stdin closes) or on SIGTERM/SIGINT. Kept as plain CommonJS so it runs from src/ and dist/.
const S3rver = require('s3rver');

const [directory, bucketsArg = ''] = process.argv.slice(2);
if (!directory) {
  process.stderr.write('usage: s3rver.cjs DIRECTORY [BUCKET,BUCKET...]\n');
  process.exit(2);
}
const buckets = bucketsArg.split(',').filter(Boolean);

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  resetOnClose: false,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});

let closing = false;
function shutdown(code) {
  if (closing) return;
  closing = true;
  const http = server.httpServer;
  if (!http) process.exit(code);
  http.closeAllConnections?.();
  http.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}

server
  .run()
  .then((address) => {
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  })
  .catch((error) => {
    process.stderr.write(`s3rver failed to start: ${error?.stack ?? error}\n`);
    process.exit(1);
  });

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
process.stdin.on('end', () => shutdown(0));
process.stdin.on('error', () => shutdown(0));
process.stdin.resume();
