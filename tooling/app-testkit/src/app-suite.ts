// Behaviour the shared contract does not pin down, the same in every sample app: the request
// log line, 405 with Allow, part types, draining, conditional GETs, HEAD, static caching,
// migrations in the local stage and an upload the client abandons.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEnv, findTags } from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from './built-server.js';
import { type AppUnderTest, displayName, type ServerUnderTest } from './types.js';

/** `<Framework> app`: the app started in-process on SQLite and local files (STAGE=local). */
export function defineAppSuite(
  app: Pick<AppUnderTest, 'framework' | 'appDir' | 'startServer'>,
): void {
  let scratch: string;
  let server: ServerUnderTest;
  const lines: string[] = [];
  const https = { 'x-forwarded-proto': 'https' };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), `${app.framework}-app-`));
    server = await startAppServer(
      app,
      {
        ...contractEnv,
        STAGE: 'local',
        DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
        DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
      },
      { port: 0, host: '127.0.0.1', logDestination: { write: (line: string) => lines.push(line) } },
    );
  });
  afterAll(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function upload(name: string, body: string, type: string) {
    const form = new FormData();
    form.append('file', new Blob([body], { type }), name);
    const res = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      body: form,
      headers: https,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; url: string; key: string };
  }

  describe(`${displayName(app.framework)} app`, () => {
    it('logs one JSON line per request with the request id, without credentials', async () => {
      lines.length = 0;
      await fetch(`${server.url}/api/info?token=abc`, {
        headers: { ...https, 'x-request-id': 'trace-42', authorization: 'Bearer top-secret' },
      });
      await new Promise((r) => setTimeout(r, 50));
      const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.reqId === 'trace-42');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        app: app.framework,
        method: 'GET',
        url: '/api/info',
        status: 200,
      });
      expect(lines.join('\n')).not.toContain('top-secret');
    });

    it('answers 405 with Allow for a known path and another method', async () => {
      const res = await fetch(`${server.url}/api/media`, { method: 'PUT', headers: https });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    });

    // Issue 9's settled drift, until the shared contract suite asserts it for every app.
    it('405 Allow lists the methods alphabetically; OPTIONS is a 405 like any other', async () => {
      const id = '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11';
      for (const [method, path, allow] of [
        ['PUT', `/api/media/${id}`, 'DELETE, GET, HEAD'],
        ['OPTIONS', '/api/media', 'GET, HEAD, POST'],
        ['OPTIONS', '/', 'GET, HEAD'],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, { method, headers: https });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      }
    });

    it('stores a file part without Content-Type as text/plain, a malformed one as octet-stream', async () => {
      const boundary = 'part-types';
      for (const [header, expected] of [
        ['', 'text/plain'],
        ['Content-Type: not a type\r\n', 'application/octet-stream'],
      ] as const) {
        const res = await fetch(`${server.url}/api/media`, {
          method: 'POST',
          headers: { ...https, 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="typed.bin"\r\n${header}\r\nx\r\n--${boundary}--\r\n`,
        });
        expect(res.status).toBe(201);
        expect(((await res.json()) as { contentType: string }).contentType).toBe(expected);
      }
    });

    // Needs the runtime in this process: an app served by its built server in a child
    // process shows the same in the shutdown suite, with a real SIGTERM.
    // (Not registered at all then: a skipped test fails a CI run.)
    const inProcess = app.startServer ? it : () => {};
    inProcess('while draining, serves requests normally with Connection: close', async () => {
      const shutdownState = server.runtime?.shutdownState ?? { shuttingDown: false };
      shutdownState.shuttingDown = true;
      try {
        const res = await new Promise<{ status: number; connection?: string }>(
          (resolve, reject) => {
            request(`${server.url}/api/info`, { headers: https }, (r) => {
              r.resume();
              r.on('end', () =>
                resolve({
                  status: r.statusCode ?? 0,
                  ...(r.headers.connection ? { connection: r.headers.connection } : {}),
                }),
              );
            })
              .on('error', reject)
              .end();
          },
        );
        expect(res).toEqual({ status: 200, connection: 'close' });
        expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      } finally {
        shutdownState.shuttingDown = false;
      }
    });

    it('serves content with ETag, 304 on If-None-Match, and HEAD without a body', async () => {
      const media = await upload('note.txt', 'hello there', 'text/plain');
      const first = await fetch(`${server.url}${media.url}`, { headers: https });
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toBeTruthy();
      expect(await first.text()).toBe('hello there');
      const again = await fetch(`${server.url}${media.url}`, {
        headers: { ...https, 'if-none-match': etag ?? '' },
      });
      expect(again.status).toBe(304);
      const head = await fetch(`${server.url}${media.url}`, { method: 'HEAD', headers: https });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('11');
      expect(await head.text()).toBe('');
    });

    it('serves the fingerprinted stylesheet for a year; unknown assets are JSON 404s', async () => {
      const page = await (await fetch(`${server.url}/`, { headers: https })).text();
      // The tag as an HTML parser reads it (attribute order, quoting, `/>` are the renderer's).
      const href =
        findTags(page, 'link').find((link) => link.attrs.rel === 'stylesheet')?.attrs.href ?? '';
      expect(href).toMatch(/^\/static\/app\.css\?v=[0-9a-f]{12}$/);
      const css = await fetch(`${server.url}${href}`, { headers: https });
      expect(css.status).toBe(200);
      expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      const missing = await fetch(`${server.url}/static/nope.css`, { headers: https });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    });

    it('migrated by itself in the local stage', async () => {
      const ready = await fetch(`${server.url}/readyz`);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        checks: { migrations: { ok: true } },
      });
    });

    it('a client that disconnects mid-upload leaves neither row nor file', async () => {
      const listed = async () =>
        (
          (await (await fetch(`${server.url}/api/media?limit=100`, { headers: https })).json()) as {
            items: unknown[];
          }
        ).items.length;
      const files = async () =>
        (await readdir(join(scratch, 'media'), { recursive: true })).filter(
          (f) => !String(f).startsWith('.tmp'),
        );
      const rowsBefore = await listed();
      const filesBefore = await files();

      const boundary = 'abort-test';
      const req = request(`${server.url}/api/media`, {
        method: 'POST',
        headers: { ...https, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      req.on('error', () => {});
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.bin"\r\n\r\n`,
      );
      req.write(Buffer.alloc(256 * 1024, 1));
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      await new Promise((r) => setTimeout(r, 300));

      expect(await listed()).toBe(rowsBefore);
      expect(await files()).toEqual(filesBefore);
      const health = await fetch(`${server.url}/readyz`);
      expect(health.status).toBe(200);
    });
  });
}
