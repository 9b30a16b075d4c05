// What this app promises beyond the contract suite, in-process on SQLite x file: the log
// line, 405 with Allow after @koa/router (OPTIONS included), the one upstream error middleware
// (500s without internals, the HTML page for the form, errors after the router), X-Forwarded-Proto
// following TRUST_PROXY, app-core's statics without send()'s messages, HEAD/304 on media
// content, and readiness while shutting down.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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
  type Media,
  multipartBody,
} from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const scratch = await mkdtemp(join(tmpdir(), 'koa-app-'));
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

/** Waits for the request's log line (written when the response finished). */
async function logLinesFor(reqId: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 50; i++) {
    const lines = app.logs.filter((line) => line.reqId === reqId && 'responseTime' in line);
    if (lines.length > 0) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

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

describe('request log', () => {
  it('one JSON line per request: method, path, status, responseTime, reqId', async () => {
    const id = `log-${randomUUID()}`;
    const res = await http.request('/api/media?limit=2&token=secret-in-query', {
      headers: { 'x-request-id': id, authorization: 'Bearer very-secret', cookie: 'sid=secret' },
    });
    expect(res.status).toBe(200);
    expect(res.header('x-request-id')).toBe(id);
    const lines = await logLinesFor(id);
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? {};
    expect(line).toMatchObject({
      app: 'koa',
      level: 'info',
      method: 'GET',
      url: '/api/media',
      status: 200,
      reqId: id,
    });
    expect(typeof line.responseTime).toBe('number');
    // Nothing from the query string or the credential headers, on any line of the request.
    expect(JSON.stringify(app.logs.filter((l) => l.reqId === id))).not.toContain('secret');
  });

  it('a 404 gets its line too, with the generated id', async () => {
    const res = await http.request('/no/such/page', { headers: { 'x-request-id': 'bad id!' } });
    expect(res.status).toBe(404);
    const id = res.header('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await logLinesFor(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 404, url: '/no/such/page' });
  });
});

describe('methods the router does not answer', () => {
  it('a known path with another method: 405 with Allow, as JSON', async () => {
    const res = await http.request('/api/media', { method: 'PUT' });
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD, POST');
    const item = await http.request(`/api/media/${randomUUID()}`, { method: 'POST' });
    expectError(item, 405, 'method_not_allowed');
    expect(item.header('allow')).toBe('DELETE, GET, HEAD');
  });

  it('a method the router does not implement: 405 on a known path, 404 elsewhere', async () => {
    const known = await http.request('/api/info', { method: 'PROPFIND' });
    expectError(known, 405, 'method_not_allowed');
    expect(known.header('allow')).toBe('GET, HEAD');
    const unknown = await http.request('/no/such/page', { method: 'PROPFIND' });
    expectError(unknown, 404, 'not_found');
    expect(unknown.header('allow')).toBeUndefined();
  });

  it('OPTIONS on a known path: 405 with Allow, like any other method', async () => {
    const res = await http.request('/api/media', { method: 'OPTIONS' });
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD, POST');
    expectSecurityHeaders(res);
    expectError(await http.request('/no/such/page', { method: 'OPTIONS' }), 404, 'not_found');
  });

  it('HEAD on a GET route: the headers, no body', async () => {
    const res = await http.request('/api/info', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toMatch(/^application\/json/);
    expect(res.body.length).toBe(0);
  });
});

describe('the upstream error middleware', () => {
  it('an unexpected error: 500 internal_error without internals, logged with the request id', async () => {
    const { media } = app.started.runtime;
    const original = media.list;
    media.list = () => Promise.reject(new Error('boom: password=hunter2 at /srv/secret'));
    try {
      const res = await http.get('/api/media', { headers: { 'x-request-id': 'err-500-json' } });
      expectError(res, 500, 'internal_error');
      expect(res.text()).not.toContain('boom');
      expect(res.text()).not.toContain('hunter2');
      const failed = app.logs.find((l) => l.reqId === 'err-500-json' && l.msg === 'request failed');
      expect(failed, 'an error line with the cause').toBeDefined();
      expect(JSON.stringify(failed)).toContain('boom');

      // The page itself fails the same way, as JSON (it has no form to fall back to).
      expectError(await http.get('/'), 500, 'internal_error');
    } finally {
      media.list = original;
    }
  });

  it('the form route answers its errors with the HTML page, even when the list fails', async () => {
    const { media } = app.started.runtime;
    const original = media.list;
    media.list = () => Promise.reject(new Error('list unavailable'));
    try {
      const res = await http.request('/upload', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'not a form',
      });
      expect(res.status).toBe(415);
      expect(res.header('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text()).toContain('<form');
      expect(res.text()).toContain('multipart/form-data');
      expectSecurityHeaders(res);
    } finally {
      media.list = original;
    }
  });

  it('an upload over the limit with a Content-Length: 413 and Connection: close', async () => {
    const big = 'x'.repeat(Number(contractEnv.MAX_UPLOAD_BYTES) + 1);
    const { contentType, body } = multipartBody([
      { filename: 'big.txt', contentType: 'text/plain', data: big },
    ]);
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expectError(res, 413, 'payload_too_large');
    expect(res.header('connection')).toBe('close');
  });

  it('a malformed percent-encoding: 400 bad_request before the router, never a 5xx', async () => {
    for (const path of ['/api/media/%E0%A4%A', '/static/%E0%A4%A', '/media/%E0%A4%A']) {
      expectError(await http.get(path), 400, 'bad_request');
    }
  });
});

describe('static files (app-core on send)', () => {
  it('serves the built stylesheet with the immutable cache header; HEAD too', async () => {
    const res = await http.get('/static/app.css');
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toBe('text/css; charset=utf-8');
    expect(res.header('cache-control')).toBe('public, max-age=31536000, immutable');
    const head = await http.request('/static/app.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.header('content-length')).toBe(String(res.body.length));
    expect(head.body.length).toBe(0);
  });

  it("never answers with send()'s own messages (they name the file system path)", async () => {
    for (const path of [
      '/static/missing.css',
      '/static/',
      '/static/.hidden',
      '/static/%2e%2e/%2e%2e/package.json',
      '/static/..%2f..%2fpackage.json',
      '/static/%00',
    ]) {
      const res = await http.get(path);
      expectError(res, 404, 'not_found');
      expect(res.text(), path).not.toContain('dist/static');
    }
  });
});

describe('media content', () => {
  it('HEAD has the content headers and no body; a matching If-None-Match gives 304', async () => {
    const media = await uploadText(`fresh-${randomUUID()}.txt`, 'hello koa');
    const head = await http.request(media.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.header('content-type')).toBe('text/plain');
    expect(head.header('content-length')).toBe('9');
    expect(head.body.length).toBe(0);
    const etag = head.header('etag') ?? '';
    expect(etag).not.toBe('');
    expect(head.header('last-modified')).toBeTruthy();

    const byEtag = await http.get(media.url, { headers: { 'if-none-match': etag } });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body.length).toBe(0);
    expect(byEtag.header('content-length')).toBeUndefined();
    const weak = await http.get(media.url, { headers: { 'if-none-match': `"x", W/${etag}` } });
    expect(weak.status).toBe(304);
    const stale = await http.get(media.url, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    expect(stale.text()).toBe('hello koa');
  });
});

describe('X-Forwarded-Proto follows TRUST_PROXY (app-core decides, not ctx.protocol)', () => {
  let untrusting: App | undefined;
  afterAll(async () => {
    await untrusting?.stop();
  });

  it('trusted (the default): X-Forwarded-Proto https is served, with HSTS', async () => {
    const res = await http.get('/api/info', { forwardedProto: 'https' });
    expect(res.status).toBe(200);
    expect(res.header('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('TRUST_PROXY=False: X-Forwarded-Proto is ignored, as if absent: no redirect, no HSTS', async () => {
    untrusting = await startApp({ TRUST_PROXY: 'False' });
    for (const proto of ['https', 'http']) {
      const res = await untrusting.http.get('/api/info?x=1', { forwardedProto: proto });
      expect(res.status, proto).toBe(200);
      expect(res.header('strict-transport-security'), proto).toBeUndefined();
    }
  });
});

describe('while shutting down', () => {
  it('/readyz answers 503 with the shutdown check failing; /healthz stays 200; Connection: close', async () => {
    const { shutdownState } = app.started.runtime;
    shutdownState.shuttingDown = true;
    try {
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
    } finally {
      shutdownState.shuttingDown = false;
    }
  });
});
