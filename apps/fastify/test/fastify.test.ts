// Fastify specifics beyond app.test.ts, in-process on SQLite x file: the log line of a 404,
// where Fastify's router and body handling would differ from the other apps (a bad URL, long
// and empty params, repeated query parameters, QUERY without Content-Type, bodies of other
// types, 405 on parametric routes) in the contract's error shape, response schemas, other
// multipart parts, and the shutdown sequence through app-core (readiness first, the server
// drains, app.close() and then the pool; the timeout cuts).

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { handleShutdown, runMigrations } from '@divio-samples/app-core';
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
import { type StartedServer, startServer } from '../src/server.ts';

interface App {
  started: StartedServer;
  baseUrl: string;
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
    const id = res.header('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await logLineFor(id)).toMatchObject([{ status: 400, method: 'GET' }]);
  });

  it('an over-long id is an unknown id (maxParamLength): 404 "No media with this id"', async () => {
    const res = await http.get(`/api/media/${'a'.repeat(2000)}`);
    expectError(res, 404, 'not_found');
    expect(res.json<{ error: { message: string } }>().error.message).toBe('No media with this id');
  });

  it('an empty :id (/api/media/) is no route: 404, as paths match exactly', async () => {
    const res = await http.get('/api/media/');
    expectError(res, 404, 'not_found');
    expect(res.json<{ error: { message: string } }>().error.message).toBe('Not found');
  });

  it('QUERY and PROPFIND without a Content-Type: 405 with Allow, before any body check', async () => {
    for (const method of ['QUERY', 'PROPFIND']) {
      const res = await http.request('/api/media', { method });
      expectError(res, 405, 'method_not_allowed');
      expect(res.header('allow')).toBe('GET, HEAD, POST');
    }
    expectError(await http.request('/nope', { method: 'QUERY' }), 404, 'not_found');
  });

  it.each([
    ['a JSON body', 'application/json'],
    ['a Content-Type that is no media type', 'foo'],
  ])('a DELETE with %s: the body is ignored, 204', async (_name, type) => {
    const { contentType, body } = multipartBody([
      { filename: 'to-delete.txt', contentType: 'text/plain', data: 'x' },
    ]);
    const created = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const { id } = created.json<{ id: string }>();
    const res = await http.request(`/api/media/${id}`, {
      method: 'DELETE',
      headers: { 'content-type': type },
      body: '{"confirm":true}',
    });
    expect(res.status, res.text()).toBe(204);
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

describe('responses', () => {
  it('/api/info has exactly the documented fields', async () => {
    const res = await http.get('/api/info');
    expect(Object.keys(res.json<object>()).sort()).toEqual(
      ['database', 'framework', 'node', 'stage', 'storage', 'version'].sort(),
    );
  });

  it("an upload past Fastify's bodyLimit (1 MiB) but within MAX_UPLOAD_BYTES is accepted", async () => {
    const data = Buffer.alloc(3 * 1024 * 1024, 9);
    const body = multipartBody([
      { filename: 'three-mib.bin', contentType: 'application/octet-stream', data },
    ]);
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': body.contentType, 'content-length': String(body.body.length) },
      body: body.body,
    });
    expect(res.status).toBe(201);
    expect(res.json<{ size: number }>().size).toBe(data.length);
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
  it('while shutting down: /readyz 503, /healthz 200, other requests served with Connection: close', async () => {
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
    const served = await http.get('/api/info');
    expect(served.status).toBe(200);
    expect(served.json()).toMatchObject({ framework: 'fastify' });
    expectSecurityHeaders(served);
    expect(served.header('connection')).toBe('close');
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
    // The shared close path closed the pool (after app.close()).
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
