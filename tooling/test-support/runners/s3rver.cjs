'use strict';
// Child-process entry for startS3rver(): runs s3rver on 127.0.0.1 with an OS-assigned port,
// prints one JSON line `{"port":N}` when it listens, and exits when its parent goes away
// (stdin closes) or on SIGTERM/SIGINT. Kept as plain CommonJS so it runs from src/ and dist/.
//
// s3rver 3.7 does not implement AbortMultipartUpload (DELETE ?uploadId= answers 405), so a
// failed multipart upload would leave its parts behind and the SDK's abort would fail. This
// wrapper answers that one request itself by removing the upload's directory, as S3 does.
const { createServer } = require('node:http');
const fs = require('node:fs/promises');
const path = require('node:path');
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

const xml = (code, message) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

async function abortMultipartUpload(res, url) {
  const bucket = decodeURIComponent(url.pathname.split('/')[1] || '');
  const uploadId = url.searchParams.get('uploadId') || '';
  if (!/^[a-z0-9.-]+$/.test(bucket) || !/^[A-Za-z0-9._-]+$/.test(uploadId)) {
    res
      .writeHead(400, { 'content-type': 'application/xml' })
      .end(xml('InvalidArgument', 'bad upload id'));
    return;
  }
  // s3rver keeps pending uploads in <dir>/<bucket>/._S3rver_uploads/<uploadId>/.
  const uploadDir = path.join(directory, bucket, '._S3rver_uploads', uploadId);
  try {
    await fs.access(uploadDir);
  } catch {
    res
      .writeHead(404, { 'content-type': 'application/xml' })
      .end(xml('NoSuchUpload', 'The specified upload does not exist.'));
    return;
  }
  await fs.rm(uploadDir, { recursive: true, force: true });
  res.writeHead(204).end();
}

let http;
let closing = false;
function shutdown(code) {
  if (closing) return;
  closing = true;
  if (!http) process.exit(code);
  http.closeAllConnections?.();
  http.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}

async function start() {
  await server.configureBuckets();
  const handle = server.callback();
  http = createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
      req.resume();
      abortMultipartUpload(res, url).catch((error) => {
        res.writeHead(500).end(xml('InternalError', String(error?.message)));
      });
      return;
    }
    handle(req, res);
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  return http.address();
}

start()
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
