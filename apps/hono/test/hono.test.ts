// What this app promises beyond the contract suite, in-process on SQLite x file, where Hono
// and @hono/node-server would otherwise answer differently from the other apps: requests
// node-server cannot turn into a Web Request (no Host, a Host the URL parser refuses,
// `OPTIONS *`) still get the app's own answer; paths are routed as sent (no dot-segment
// normalisation, the absolute form as its path); HEAD states the GET's length; the upload
// reaches the route while its body is still arriving (nothing buffered); notFound's 405 with
// Allow; onError's JSON and HTML answers; static files and media replies; X-Forwarded-Proto
// following TRUST_PROXY; readiness while shutting down.

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
  rawMessage,
  rawRequest,
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
  const scratch = await mkdtemp(join(tmpdir(), 'hono-app-'));
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

/** One request written as given to a socket (what node:http will not send). */
function raw(lines: readonly string[]) {
  // The connection stays open after most answers: do not wait long for it to close.
  return rawRequest(app.started.url, rawMessage(lines), { closeTimeoutMs: 100 });
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

describe('requests node-server cannot turn into a Web Request', () => {
  it('no Host: the probes answer, anything else is 400 bad_host with every header', async () => {
    const live = await raw(['GET /healthz HTTP/1.1', 'X-Forwarded-Proto: https']);
    expect(live.status).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });

    const info = await raw(['GET /api/info HTTP/1.1', 'X-Request-Id: no-host']);
    expectError(info, 400, 'bad_host');
    expectSecurityHeaders(info);
    expect(info.header('x-request-id')).toBe('no-host');
    const lines = await logLinesFor('no-host');
    expect(lines[0]).toMatchObject({ status: 400, url: '/api/info', method: 'GET' });
  });

  it('a Host the URL parser refuses: the same 400 bad_host, the probes still answer', async () => {
    for (const host of ['user@contract.example', 'contract.example:abc', 'a b']) {
      const res = await raw(['GET /api/info HTTP/1.1', `Host: ${host}`]);
      expectError(res, 400, 'bad_host');
      expectSecurityHeaders(res);
      const probe = await raw(['GET /readyz HTTP/1.1', `Host: ${host}`]);
      expect(probe.status, host).toBe(200);
    }
  });

  it('keeps the method: TRACE on a probe with such a Host is 405 like everywhere else', async () => {
    const res = await raw(['TRACE /healthz HTTP/1.1', 'Host: user@contract.example']);
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD');
  });

  it('OPTIONS * (a request target that is not a path): 404 in the JSON shape', async () => {
    const res = await raw(['OPTIONS * HTTP/1.1', 'Host: contract.example']);
    expectError(res, 404, 'not_found');
    expectSecurityHeaders(res);
  });
});

describe('paths are routed as the client sent them', () => {
  it('dot segments are not resolved (the WHATWG URL parser would): 404', async () => {
    expectError(await http.get('/api/media/../info'), 404, 'not_found');
    expectError(await http.get('/api/./info'), 404, 'not_found');
    expectError(await http.get('/api/media/%2E%2E/info'), 404, 'not_found');
  });

  it('case and trailing slash count', async () => {
    expectError(await http.get('/API/INFO'), 404, 'not_found');
    expectError(await http.get('/api/info/'), 404, 'not_found');
  });

  it('the absolute form routes on its path, and the Host header is still the one checked', async () => {
    const ok = await raw(['GET http://evil.example/api/info HTTP/1.1', 'Host: contract.example']);
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ framework: 'hono' });
    const refused = await raw(['GET http://contract.example/api/info HTTP/1.1', 'Host: evil']);
    expectError(refused, 400, 'bad_host');
  });
});

describe('methods no route answers (notFound)', () => {
  it('a known path with another method: 405 with Allow, as JSON', async () => {
    const res = await http.request('/api/media', { method: 'PUT' });
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD, POST');
    const item = await http.request(`/api/media/${randomUUID()}`, { method: 'POST' });
    expectError(item, 405, 'method_not_allowed');
    expect(item.header('allow')).toBe('DELETE, GET, HEAD');
  });

  it('OPTIONS, PROPFIND, TRACE: 405 on a known path, 404 elsewhere', async () => {
    for (const method of ['OPTIONS', 'PROPFIND', 'TRACE']) {
      const known = await http.request('/api/info', { method });
      expectError(known, 405, 'method_not_allowed');
      expect(known.header('allow'), method).toBe('GET, HEAD');
      expectSecurityHeaders(known);
      const unknown = await http.request('/no/such/page', { method });
      expectError(unknown, 404, 'not_found');
      expect(unknown.header('allow'), method).toBeUndefined();
    }
  });

  it('HEAD on a GET route: the GET length and type, no body (Hono drops the body)', async () => {
    for (const path of ['/api/info', '/', '/api/media?limit=1']) {
      const get = await http.get(path);
      const head = await http.request(path, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(head.header('content-type'), path).toBe(get.header('content-type'));
      expect(head.header('content-length'), path).toBe(String(get.body.length));
      expect(head.body.length, path).toBe(0);
    }
  });
});

describe('uploads stream', () => {
  it('the route gets the file while the body is still arriving (no parseBody, no buffer)', async () => {
    const { media } = app.started.runtime;
    const original = media.upload.bind(media);
    let called: () => void = () => {};
    const uploadStarted = new Promise<void>((resolve) => {
      called = resolve;
    });
    media.upload = (input) => {
      called();
      return original(input);
    };
    const boundary = `b-${randomUUID()}`;
    let startedEarly = false;
    async function* body() {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n` +
          'Content-Type: text/plain\r\n\r\nfirst half, ',
      );
      // Hold the rest back until the route has the file (or give up after 3 s).
      startedEarly = await Promise.race([
        uploadStarted.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000)),
      ]);
      yield Buffer.from(`second half\r\n--${boundary}--\r\n`);
    }
    try {
      const res = await http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: body(),
      });
      expect(res.status, res.text()).toBe(201);
      expect(startedEarly, 'media.upload ran before the body ended').toBe(true);
      const stored = await http.get(res.json<Media>().url);
      expect(stored.text()).toBe('first half, second half');
    } finally {
      media.upload = original;
    }
  });
});

describe('onError', () => {
  it('an unexpected error: 500 internal_error without internals, logged with the request id', async () => {
    const { media } = app.started.runtime;
    const original = media.list;
    media.list = () => Promise.reject(new Error('boom: password=hunter2 at /srv/secret'));
    try {
      const res = await http.get('/api/media', { headers: { 'x-request-id': 'err-500-json' } });
      expectError(res, 500, 'internal_error');
      expectSecurityHeaders(res);
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
      expect(res.header('content-length')).toBe(String(res.body.length));
      expect(res.text()).toContain('<form');
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

  it('a malformed percent-encoding: 400 bad_request before any route, never a 5xx', async () => {
    for (const path of ['/api/media/%E0%A4%A', '/static/%E0%A4%A', '/media/%E0%A4%A']) {
      expectError(await http.get(path), 400, 'bad_request');
    }
  });
});

describe('replies: static files and media content', () => {
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
    ]) {
      const res = await http.get(path);
      expectError(res, 404, 'not_found');
      expect(res.text(), path).not.toContain('dist/static');
    }
  });

  it('media content: HEAD has the headers and no body; a matching If-None-Match gives 304', async () => {
    const media = await uploadText(`fresh-${randomUUID()}.txt`, 'hello hono');
    const head = await http.request(media.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.header('content-type')).toBe('text/plain');
    expect(head.header('content-length')).toBe('10');
    expect(head.body.length).toBe(0);
    const etag = head.header('etag') ?? '';
    expect(etag).not.toBe('');

    const byEtag = await http.get(media.url, { headers: { 'if-none-match': etag } });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body.length).toBe(0);
    expect(byEtag.header('content-length')).toBeUndefined();
    const stale = await http.get(media.url, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    expect(stale.text()).toBe('hello hono');
    // The file backend's own URL, through the `:key{.+}` route.
    const byKey = await http.get(`/media/${media.key}`);
    expect(byKey.status).toBe(200);
    expect(byKey.text()).toBe('hello hono');
  });
});

describe('X-Forwarded-Proto follows TRUST_PROXY (app-core decides)', () => {
  let untrusting: App | undefined;
  afterAll(async () => {
    await untrusting?.stop();
  });

  it('trusted (the default): https is served with HSTS; http is redirected, empty body', async () => {
    const res = await http.get('/api/info', { forwardedProto: 'https' });
    expect(res.status).toBe(200);
    expect(res.header('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const redirect = await http.get('/api/info?x=1', { forwardedProto: 'http' });
    expect(redirect.status).toBe(301);
    const host = new URL(app.started.url).host;
    expect(redirect.header('location')).toBe(`https://${host}/api/info?x=1`);
    expect(redirect.header('content-length')).toBe('0');
    expect(redirect.header('content-type')).toBeUndefined();
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
