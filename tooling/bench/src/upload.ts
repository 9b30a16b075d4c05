// One large multipart upload streamed into a running server from a reused 1 MiB buffer, so
// the client holds no more than that whatever the size.
import { request } from 'node:http';
import { PROXY_HEADERS } from './load.js';

/** Uploads `mib` MiB to `${url}/api/media`; resolves with the seconds it took, throws unless 201. */
export function uploadOnce(url: string, mib: number): Promise<number> {
  const size = mib * 1024 * 1024;
  const boundary = 'bench-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/api/media',
        method: 'POST',
        headers: {
          ...PROXY_HEADERS,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => {
          if (res.statusCode === 201) resolve((performance.now() - started) / 1000);
          else reject(new Error(`upload answered ${res.statusCode}: ${body.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    pump();
  });
}
