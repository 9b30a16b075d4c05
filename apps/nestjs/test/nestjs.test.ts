// Where Nest would answer differently from the other apps if it were left to itself, and the
// wiring that keeps it in line, in-process on SQLite x file: middleware that must see every
// request (unknown paths, the whole URL, a `#` in the target), the exception filters (Nest
// has no 405; the form's own filter), no body parsing, Nest's log lines through pino, and
// the shutdown order: app-core drains the server, then `app.close()` runs Nest's hooks.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
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
  type Media,
  multipartBody,
  rawMessage,
  rawRequest,
} from '@divio-samples/contract-tests';
import { canConnect } from '@divio-samples/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../src/server.ts';

interface App {
  started: StartedServer;
  http: HttpClient;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The app on a fresh SQLite file and media directory, migrated, logging into `logs`. */
async function startApp(extraEnv: Record<string, string> = {}): Promise<App> {
  const scratch = await mkdtemp(join(tmpdir(), 'nestjs-app-'));
  const env = {
    ...contractEnv,
    DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
    DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
    LOG_LEVEL: 'info',
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
      // JSON.parse throws on anything else: every line on stdout must be JSON.
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
    http: createClient(started.url),
    logs,
    async stop() {
      await started.close().catch(() => {});
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

let app: App;
let http: HttpClient;
beforeAll(async () => {
  app = await startApp();
  http = app.http;
}, 60_000);
afterAll(async () => {
  await app?.stop();
});

async function uploadText(filename: string, data: string): Promise<Media> {
  const { contentType, body } = multipartBody([{ filename, contentType: 'text/plain', data }]);
  const res = await http.request('/api/media', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  expect(res.status, res.text()).toBe(201);
  return res.json<Media>();
}

describe('middleware sees every request', () => {
  it('a path no route has still meets the host check: 400 bad_host, not 404', async () => {
    const res = await http.get('/no/such/page', { host: 'evil.example' });
    expectError(res, 400, 'bad_host');
    expectSecurityHeaders(res);
    expect(res.header('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the HTTPS redirect keeps the whole path and query; the probes are left alone', async () => {
    const host = 'contract.example';
    const res = await http.get('/api/media?limit=1&x=%20y', { forwardedProto: 'http', host });
    expect(res.status).toBe(301);
    expect(res.header('location')).toBe('https://contract.example/api/media?limit=1&x=%20y');
    expect(res.header('content-length')).toBe('0');
    const unknown = await http.get('/no/such/page', { forwardedProto: 'http', host });
    expect(unknown.status).toBe(301);
    expect(unknown.header('location')).toBe('https://contract.example/no/such/page');
    for (const probe of ['/healthz', '/readyz']) {
      const res = await http.get(probe, { forwardedProto: 'http', host: '10.0.0.7' });
      expect(res.status, probe).toBe(200);
    }
  });

  it('a request target with a fragment reaches its route (the middleware leaves req.url alone)', async () => {
    const res = await rawRequest(
      app.started.url,
      rawMessage([
        'GET /api/media#fragment HTTP/1.1',
        'Host: contract.example',
        'X-Forwarded-Proto: https',
        'Connection: close',
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ items: expect.any(Array) });
  });

  it('a path Express cannot decode: 400 bad_request with every header, before Nest routes it', async () => {
    for (const path of ['/api/media/%zz', '/static/%E0%A4%A', '/no/such/%']) {
      const res = await http.get(path);
      expectError(res, 400, 'bad_request');
      expect(res.json()).toEqual({ error: { code: 'bad_request', message: 'Malformed URL' } });
      expectSecurityHeaders(res);
      expect(res.header('strict-transport-security')).toBeDefined();
    }
  });
});

describe('exception filters', () => {
  it("no route: Nest's NotFoundException becomes 405 with Allow on a known path, 404 elsewhere", async () => {
    const put = await http.request(`/api/media/${randomUUID()}`, { method: 'PUT' });
    expectError(put, 405, 'method_not_allowed');
    expect(put.header('allow')).toBe('DELETE, GET, HEAD');
    const options = await http.request('/', { method: 'OPTIONS' });
    expectError(options, 405, 'method_not_allowed');
    expect(options.header('allow')).toBe('GET, HEAD');
    const unknown = await http.get('/api/nothing');
    expectError(unknown, 404, 'not_found');
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });

  it('an unexpected error: 500 without internals, logged once with the request id', async () => {
    const { media } = app.started.runtime;
    const original = media.list;
    media.list = () => Promise.reject(new Error('boom: password=hunter2 at /srv/secret'));
    try {
      const res = await http.get('/api/media', { headers: { 'x-request-id': 'nest-500' } });
      expectError(res, 500, 'internal_error');
      expect(res.text()).not.toContain('boom');
      const failed = app.logs.filter((l) => l.reqId === 'nest-500' && l.msg === 'request failed');
      expect(failed.filter((l) => 'err' in l)).toHaveLength(1);
      // Nest's own ExceptionsHandler never saw it (the filter answered).
      expect(app.logs.some((l) => l.context === 'ExceptionsHandler')).toBe(false);
    } finally {
      media.list = original;
    }
  });

  it("the form's route answers its errors with the HTML page (FormErrorsFilter)", async () => {
    const res = await http.request('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"file": "not a form"}',
    });
    expect(res.status).toBe(415);
    expect(res.header('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text()).toContain('multipart/form-data');
    expectSecurityHeaders(res);
    // A foreign host on the same route is the app-wide JSON error (middleware, not the route).
    expectError(
      await http.request('/upload', { method: 'POST', host: 'evil.example' }),
      400,
      'bad_host',
    );
  });
});

describe('no body parsing (bodyParser: false)', () => {
  it('a JSON body is never parsed: 415 on the upload route, ignored on DELETE', async () => {
    const broken = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expectError(broken, 415, 'unsupported_media_type');
    const media = await uploadText('to-delete.txt', 'bye');
    const deleted = await http.request(`/api/media/${media.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(deleted.status).toBe(204);
    expect(deleted.body.length).toBe(0);
  });

  it('a urlencoded form on the upload route: 415, never read as fields', async () => {
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'file=x',
    });
    expectError(res, 415, 'unsupported_media_type');
  });
});

describe("Nest's log lines", () => {
  it('go through pino as JSON; its start-up chatter is debug, so none at the default level', async () => {
    expect(app.logs.some((l) => typeof l.context === 'string')).toBe(false);
    const verbose = await startApp({ LOG_LEVEL: 'debug' });
    try {
      const mapped = verbose.logs.find((l) => l.msg === 'Mapped {/api/info, GET} route');
      expect(mapped).toMatchObject({ level: 'debug', context: 'RouterExplorer', app: 'nestjs' });
    } finally {
      await verbose.stop();
    }
  });
});

const BOUNDARY = 'nest-shutdown-boundary';

/** Starts a multipart upload and keeps it open: call `finish()` to send the rest. */
function slowUpload(baseUrl: string) {
  const req = httpRequest(new URL('/api/media', baseUrl), {
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

describe('shutdown: app-core drains, then app.close() runs Nest’s hooks', () => {
  let other: App | undefined;
  afterEach(async () => {
    await other?.stop();
    other = undefined;
  });

  it("adds no signal listener of Nest's: the signals are app-core's (no enableShutdownHooks)", async () => {
    const before = ['SIGTERM', 'SIGINT'].map((signal) => process.listenerCount(signal));
    other = await startApp();
    const after = ['SIGTERM', 'SIGINT'].map((signal) => process.listenerCount(signal));
    expect(after).toEqual(before);
  });

  it('not ready first, the in-flight upload completes, then onApplicationShutdown closes the pool', async () => {
    other = await startApp({ SHUTDOWN_TIMEOUT_MS: '10000' });
    const { started } = other;
    const port = Number(new URL(started.url).port);
    // What happened on the server, in order: the upload's answer, each close of the runtime.
    const events: string[] = [];
    started.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST') res.on('finish', () => events.push(`upload ${res.statusCode}`));
    });
    const close = started.runtime.close.bind(started.runtime);
    started.runtime.close = () => {
      events.push(`runtime.close (listening: ${started.server.listening})`);
      return close();
    };

    const upload = slowUpload(started.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exits: number[] = [];
    const handle = handleShutdown(started, { signals: [], exit: (code) => exits.push(code) });
    const done = handle.shutdown('test');
    expect(await started.runtime.readiness()).toMatchObject({ status: 'unavailable' });
    await waitFor(async () => !(await canConnect('127.0.0.1', port, 200)), 'the listener to close');
    expect(events).toEqual([]);

    upload.finish();
    const { res, body } = await upload.response;
    expect(res.statusCode).toBe(201);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(body)).toMatchObject({ filename: 'slow.txt' });

    expect(await done).toBe(0);
    handle.dispose();
    // Nest's RuntimeModule closed the runtime inside app.close(), after the drain; app-core
    // closes it once more afterwards, which does nothing by then.
    expect(events).toEqual([
      'upload 201',
      'runtime.close (listening: false)',
      'runtime.close (listening: false)',
    ]);
    await expect(started.runtime.knex.raw('select 1')).rejects.toThrow();
  });
});
