import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetUrl, STATIC_CACHE_CONTROL, staticDir, staticReply } from '../../src/http/static.js';

let dir: string;
const CSS = 'body{color:red}';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'static-'));
  await writeFile(join(dir, 'app.css'), CSS);
  await writeFile(join(dir, '.hidden'), 'x');
  await mkdir(join(dir, 'fonts'));
  await writeFile(join(dir, 'fonts', 'a b.woff2'), 'x');
  await writeFile(join(dir, '..', `${dir.split('/').pop()}-outside.css`), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(dir, '..', `${dir.split('/').pop()}-outside.css`), { force: true });
});

/** A request as staticReply reads it (method, headers; a stream like IncomingMessage). */
function request(method: string, headers: IncomingHttpHeaders = {}) {
  return Object.assign(Readable.from([]), { method, headers });
}

describe('staticReply', () => {
  it('GET: the file with its type, length, validators and the immutable Cache-Control', async () => {
    const reply = await staticReply(request('GET'), 'app.css', dir);
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'Content-Type': 'text/css; charset=utf-8',
      'Content-Length': String(CSS.length),
      'Cache-Control': STATIC_CACHE_CONTROL,
    });
    expect(reply.headers.ETag).toMatch(/^W\/"[^"]+"$/);
    expect(reply.headers['Last-Modified']).toBe(
      (await stat(join(dir, 'app.css'))).mtime.toUTCString(),
    );
    expect(await text(reply.body as Readable)).toBe(CSS);
  });

  it('HEAD: the headers of GET, no body', async () => {
    const get = await staticReply(request('GET'), 'app.css', dir);
    get.body?.destroy();
    const head = await staticReply(request('HEAD'), 'app.css', dir);
    expect(head).toEqual({ status: 200, headers: get.headers });
  });

  it('If-None-Match with the ETag: 304 with the validators, no content headers, no body', async () => {
    const get = await staticReply(request('GET'), 'app.css', dir);
    get.body?.destroy();
    const reply = await staticReply(
      request('GET', { 'if-none-match': get.headers.ETag }),
      'app.css',
      dir,
    );
    expect(reply.status).toBe(304);
    expect(reply.body).toBeUndefined();
    expect(reply.headers.ETag).toBe(get.headers.ETag);
    expect(reply.headers['Cache-Control']).toBe(STATIC_CACHE_CONTROL);
    for (const name of ['Content-Type', 'Content-Length']) {
      expect(reply.headers[name], name).toBeUndefined();
    }
  });

  it.each([
    ['bytes=0-3', 'body', 'bytes 0-3/15'],
    ['bytes=-3', 'ed}', 'bytes 12-14/15'],
  ])('Range: %s is 206 with those bytes', async (range, bytes, contentRange) => {
    const reply = await staticReply(request('GET', { range }), 'app.css', dir);
    expect(reply.status).toBe(206);
    expect(reply.headers['Content-Range']).toBe(contentRange);
    expect(await text(reply.body as Readable)).toBe(bytes);
  });

  it('a Range outside the file: 416 with Content-Range, in the JSON error shape', async () => {
    await expect(
      staticReply(request('GET', { range: 'bytes=100-200' }), 'app.css', dir),
    ).rejects.toMatchObject({ status: 416, headers: { 'Content-Range': 'bytes */15' } });
  });

  it('a `..` that stays inside the directory is resolved, as send() does', async () => {
    const reply = await staticReply(request('GET'), 'fonts/../app.css', dir);
    expect(await text(reply.body as Readable)).toBe(CSS);
  });

  it('serves a percent-encoded name', async () => {
    const reply = await staticReply(request('GET'), 'fonts/a%20b.woff2', dir);
    expect(reply.status).toBe(200);
    reply.body?.destroy();
  });

  it.each([
    'fonts',
    'fonts/',
    '',
    'missing.css',
    '.hidden',
    '%2ehidden',
    '../outside.css',
    '%2e%2e/%2e%2e/etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    'app.css%00',
    'app.css/',
    '%E0%A4%A',
  ])('%j: 404 not_found', async (subPath) => {
    await expect(staticReply(request('GET'), subPath, dir)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('knows the built stylesheet, linked with its content hash', async () => {
    const reply = await staticReply(request('HEAD'), 'app.css');
    expect(reply.status).toBe(200);
    expect(staticDir.endsWith(join('app-core', 'dist', 'static'))).toBe(true);
    expect(assetUrl('app.css')).toMatch(/^\/static\/app\.css\?v=[0-9a-f]{12}$/);
  });
});
