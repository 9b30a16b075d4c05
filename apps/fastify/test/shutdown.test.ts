// Graceful shutdown in-process: /readyz turns 503 first, the listener closes, the request
// in flight finishes, the pool and storage close, exit code 0; and the timeout that cuts
// requests which never finish.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createClient, expectError, expectSecurityHeaders } from '@divio-samples/contract-tests';
import { canConnect } from '@divio-samples/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { handleShutdown } from '../src/server.js';
import { type Cell, startCell } from './cells.js';

const BOUNDARY = 'shutdown-test-boundary';

/** Starts a multipart upload and keeps it open: call `finish()` to send the rest. */
function slowUpload(baseUrl: string) {
  const url = new URL('/api/media', baseUrl);
  const req = httpRequest(url, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'x-forwarded-proto': 'https',
      'transfer-encoding': 'chunked',
    },
  });
  const response = new Promise<{ res: IncomingMessage; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ res, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n` +
      'Content-Type: text/plain\r\n\r\nfirst half, ',
  );
  return {
    response,
    finish() {
      req.end(`second half\r\n--${BOUNDARY}--\r\n`);
    },
  };
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let cell: Cell | undefined;
afterEach(async () => {
  await cell?.stop();
  cell = undefined;
});

describe('shutdown', () => {
  it('while shutting down: /readyz 503, /healthz 200, other requests shed with 503', async () => {
    cell = await startCell('sqlite', 'file');
    const http = createClient(cell.target.baseUrl);
    cell.started.runtime.shutdownState.shuttingDown = true;
    const ready = await http.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { shutdown: { ok: false } },
    });
    expect(ready.header('connection')).toBe('close');
    const live = await http.get('/healthz');
    expect(live.status).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const shed = await http.get('/api/info');
    expectError(shed, 503, 'service_unavailable');
    expectSecurityHeaders(shed);
    expect(shed.header('connection')).toBe('close');
  });

  it('readiness fails first, the listener closes, the in-flight upload completes, exit 0', async () => {
    cell = await startCell('sqlite', 'file', { SHUTDOWN_TIMEOUT_MS: '10000', LOG_LEVEL: 'info' });
    const { started } = cell;
    const port = Number(new URL(started.url).port);
    const upload = slowUpload(started.url);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const exits: number[] = [];
    const handle = handleShutdown(started, { signals: [], exit: (code) => exits.push(code) });
    const done = handle.shutdown('test');

    // Not ready from the first moment on (before the listener closes).
    expect(started.runtime.shutdownState.shuttingDown).toBe(true);
    expect(await started.runtime.readiness()).toMatchObject({
      status: 'unavailable',
      checks: { shutdown: { ok: false, error: 'shutting down' } },
    });

    // The listener stops accepting while the upload is still in flight.
    await waitFor(async () => !(await canConnect('127.0.0.1', port, 200)), 'the listener to close');

    upload.finish();
    const { res, body } = await upload.response;
    expect(res.statusCode).toBe(201);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(body)).toMatchObject({
      filename: 'slow.txt',
      size: 'first half, second half'.length,
    });

    expect(await done).toBe(0);
    handle.dispose();
    // The onClose hook closed the pool.
    await expect(started.runtime.knex.raw('select 1')).rejects.toThrow();
    const messages = cell.logs.map((line) => line.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('shutdown complete');
  });

  it('a request that does not finish within SHUTDOWN_TIMEOUT_MS is cut; exit code 0', async () => {
    cell = await startCell('sqlite', 'file', { SHUTDOWN_TIMEOUT_MS: '300' });
    const upload = slowUpload(cell.started.url);
    const outcome = upload.response.then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const handle = handleShutdown(cell.started, { signals: [], exit: () => {} });
    const startedAt = Date.now();
    expect(await handle.shutdown('test')).toBe(0);
    handle.dispose();
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(await outcome).toBe('cut');
    // The pool was closed all the same.
    const rows = await cell.started.runtime.knex.raw('select 1').then(
      () => 'open',
      () => 'closed',
    );
    expect(rows).toBe('closed');
  });
});
