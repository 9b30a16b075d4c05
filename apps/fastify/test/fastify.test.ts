// What this app promises beyond the contract suite, in-process on SQLite x file: the log
// line (Fastify's LogController), 405 with Allow, Fastify's own errors (bad URL, long
// params, repeated query parameters, unknown content types) in the contract's error
// shape, response schemas, HEAD/304, the multipart stream, and the shutdown sequence
// (readiness first, app.close() drains, onClose closes the pool; the timeout cuts).

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runMigrations } from '@divio-samples/app-core';
import {
  contractEnv,
  createClient,
  expectError,
  expectSecurityHeaders,
  type HttpClient,
  multipartBody,
} from '@divio-samples/contract-tests';
import { canConnect } from '@divio-samples/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleShutdown, type StartedServer, startServer } from '../src/server.js';

interface App {
  started: StartedServer;
  baseUrl: string;
  mediaRoot: string;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The app on a fresh SQLite file and media directory, migrated, logging into `logs`. */
async function startApp(extraEnv: Record<string, string> = {}): Promise<App> {
  const scratch = await mkdtemp(join(tmpdir(), 'fastify-app-'));
  const env = {
    ...contractEnv,
    DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
    DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
    ...extraEnv,
  };
  await runMigrations(env, () => {});
  const logs: Array<Record<string, unknown>> = [];
  let pending = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const started = await startServer(env, {
    port: 0,
    host: '127.0.0.1',
    logDestination: destination,
  });
  return {
    started,
    baseUrl: started.url,
    mediaRoot: join(scratch, 'media'),
    logs,
    async stop() {
      await started.close().catch(() => {});
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

let cell: App;
let http: HttpClient;
beforeAll(async () => {
  cell = await startApp({ LOG_LEVEL: 'info' });
  http = createClient(cell.baseUrl);
}, 60_000);
afterAll(async () => {
  await cell?.stop();
});

/** Waits for the request's log line (written when the response finished). */
async function logLineFor(reqId: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 50; i++) {
    const lines = cell.logs.filter((line) => line.reqId === reqId && 'responseTime' in line);
    if (lines.length > 0) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

describe('request log', () => {
  it('one JSON line per request: method, path, status, responseTime, reqId', async () => {
    const id = `log-${randomUUID()}`;
    const res = await http.request('/api/media?limit=2&token=secret-in-query', {
      headers: { 'x-request-id': id, authorization: 'Bearer very-secret', cookie: 'sid=secret' },
    });
    expect(res.status).toBe(200);
    expect(res.header('x-request-id')).toBe(id);
    const lines = await logLineFor(id);
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? {};
    expect(line).toMatchObject({
      app: 'fastify',
      level: 'info',
      method: 'GET',
      url: '/api/media',
      status: 200,
      reqId: id,
    });
    expect(typeof line.responseTime).toBe('number');
    // Nothing from the query string or the credential headers, on any line of the request.
    const all = JSON.stringify(cell.logs.filter((l) => l.reqId === id));
    expect(all).not.toContain('secret');
  });

  it('a 404 and an error get their line too (with the generated id)', async () => {
    const res = await http.request('/no/such/page', { headers: { 'x-request-id': 'bad id!' } });
    expect(res.status).toBe(404);
    const id = res.header('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await logLineFor(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 404, url: '/no/such/page' });
  });
});

describe('Fastify errors in the contract shape', () => {
  it('a known path with another method: 405 with Allow', async () => {
    const res = await http.request('/api/media', { method: 'PUT' });
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD, POST');
    expectSecurityHeaders(res);
    const item = await http.request(`/api/media/${randomUUID()}`, { method: 'POST' });
    expectError(item, 405, 'method_not_allowed');
    expect(item.header('allow')).toBe('DELETE, GET, HEAD');
  });

  it('a malformed URL: 400 bad_request with the security headers and a request id', async () => {
    const res = await http.get('/api/media/%E0%A4%A');
    expectError(res, 400, 'bad_request');
    expectSecurityHeaders(res);
    expect(res.header('x-request-id')).toBeTruthy();
  });

  it('an over-long id: 404 not_found', async () => {
    expectError(await http.get(`/api/media/${'a'.repeat(500)}`), 404, 'not_found');
  });

  it('a repeated limit: 400 invalid_query naming the field', async () => {
    const res = await http.get('/api/media?limit=1&limit=2');
    expectError(res, 400, 'invalid_query');
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/^limit: /);
  });

  it('a body of another type: 415 before the body is parsed, never a JSON parse error', async () => {
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expectError(res, 415, 'unsupported_media_type');
    expect(res.json<{ error: { message: string } }>().error.message).toBe(
      'Expected a multipart/form-data body',
    );
  });
});

/** Every file below `dir` (recursively), as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('uploads', () => {
  it('a client that goes away mid-upload leaves neither row nor file', async () => {
    const before = (await cell.started.runtime.media.list({ limit: 100 })).items.length;
    const filesBefore = await filesUnder(cell.mediaRoot);
    const upload = slowUpload(cell.baseUrl);
    upload.response.catch(() => {});
    // The bytes are on their way to storage (the file backend writes under .tmp/ first)...
    for (
      let i = 0;
      i < 50 && (await filesUnder(cell.mediaRoot)).length === filesBefore.length;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await filesUnder(cell.mediaRoot)).length).toBe(filesBefore.length + 1);
    upload.abort();
    // ...and cleaned up once the client is gone (asynchronously: wait for it).
    for (
      let i = 0;
      i < 100 && (await filesUnder(cell.mediaRoot)).length > filesBefore.length;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await filesUnder(cell.mediaRoot)).sort()).toEqual(filesBefore.sort());
    const after = (await cell.started.runtime.media.list({ limit: 100 })).items.length;
    expect(after).toBe(before);
    // The server is fine afterwards.
    expect((await http.get('/api/info')).status).toBe(200);
  });
});

describe('responses', () => {
  it('/api/info has exactly the documented fields', async () => {
    const res = await http.get('/api/info');
    expect(Object.keys(res.json<object>()).sort()).toEqual(
      ['database', 'framework', 'node', 'stage', 'storage', 'version'].sort(),
    );
  });

  it('HEAD on content: the headers without a body', async () => {
    const body = multipartBody([
      { filename: 'head.txt', contentType: 'text/plain', data: 'hello' },
    ]);
    const created = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body,
    });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    const head = await http.request(`/api/media/${id}/content`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.header('content-length')).toBe('5');
    expect(head.body.length).toBe(0);
    const etag = head.header('etag') ?? '';
    const cached = await http.request(`/api/media/${id}/content`, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
  });

  it('a file after other fields and files: only the `file` field is stored', async () => {
    const body = multipartBody([
      { field: 'note', value: 'ignored' },
      { field: 'other', filename: 'other.txt', contentType: 'text/plain', data: 'nope' },
      { filename: 'real.txt', contentType: 'text/plain', data: 'yes' },
      { field: 'after', value: 'ignored too' },
    ]);
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body,
    });
    expect(res.status).toBe(201);
    expect(res.json<{ filename: string; size: number }>()).toMatchObject({
      filename: 'real.txt',
      size: 3,
    });
  });
});

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
    abort() {
      req.destroy();
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

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('shutdown (in-process)', () => {
  it('while shutting down: /readyz 503, /healthz 200, other requests shed with 503', async () => {
    app = await startApp();
    const http = createClient(app.baseUrl);
    app.started.runtime.shutdownState.shuttingDown = true;
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
    app = await startApp({ SHUTDOWN_TIMEOUT_MS: '10000', LOG_LEVEL: 'info' });
    const { started } = app;
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
    const messages = app.logs.map((line) => line.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('shutdown complete');
  });

  it('a request that does not finish within SHUTDOWN_TIMEOUT_MS is cut; exit code 0', async () => {
    app = await startApp({ SHUTDOWN_TIMEOUT_MS: '300' });
    const upload = slowUpload(app.baseUrl);
    const outcome = upload.response.then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const handle = handleShutdown(app.started, { signals: [], exit: () => {} });
    const startedAt = Date.now();
    expect(await handle.shutdown('test')).toBe(0);
    handle.dispose();
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(await outcome).toBe('cut');
    // The pool was closed all the same.
    const rows = await app.started.runtime.knex.raw('select 1').then(
      () => 'open',
      () => 'closed',
    );
    expect(rows).toBe('closed');
  });
});
