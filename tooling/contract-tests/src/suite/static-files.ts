// `GET /static/<file>`: the built assets with validators, conditional and range requests,
// HEAD, a long immutable cache lifetime, and nothing outside the assets: dotfiles, traversal
// and directories are a JSON 404 (docs/contract.md). Other methods: methods.ts.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError, expectNotModified, expectSecurityHeaders } from './expect.js';

const ASSET = '/static/app.css';

/** First byte, last byte, full size: what a range answer must say. */
type Span = [start: number, end: number, size: number];

export function defineStaticFileTests(ctx: ContractContext): void {
  describe('GET /static/<file>', () => {
    it(`${ASSET}: text/css, ETag, Last-Modified, long immutable Cache-Control`, async () => {
      const res = await ctx.http.get(ASSET);
      expect(res.status).toBe(200);
      expect(res.header('content-type') ?? '(none)').toMatch(/^text\/css\b/i);
      expect(res.header('content-length')).toBe(String(res.body.length));
      expect(res.header('etag') ?? '(none)').toMatch(/^(W\/)?"[^"]+"$/);
      expect(Number.isNaN(Date.parse(res.header('last-modified') ?? ''))).toBe(false);
      const cacheControl = res.header('cache-control') ?? '';
      expect(cacheControl).toMatch(/\bimmutable\b/);
      expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0)).toBeGreaterThanOrEqual(86_400);
      expectSecurityHeaders(res);
    });

    it('304 when If-None-Match holds the ETag; 200 for another tag', async () => {
      const first = await ctx.http.get(ASSET);
      expect(first.status).toBe(200);
      const again = await ctx.http.get(ASSET, {
        headers: { 'if-none-match': first.header('etag') ?? '' },
      });
      expectNotModified(again, first);
      const other = await ctx.http.get(ASSET, { headers: { 'if-none-match': '"other"' } });
      expect(other.status).toBe(200);
      expect(other.body.equals(first.body)).toBe(true);
    });

    it.each([
      ['bytes=0-9', (size: number): Span => [0, 9, size]],
      ['bytes=-5', (size: number): Span => [size - 5, size - 1, size]],
      ['bytes=3-', (size: number): Span => [3, size - 1, size]],
    ] as const)('Range: %s gives 206 with Content-Range and those bytes', async (range, span) => {
      const full = await ctx.http.get(ASSET);
      expect(full.status).toBe(200);
      expect(full.body.length).toBeGreaterThan(10);
      const [start, end, size] = span(full.body.length);
      const res = await ctx.http.get(ASSET, { headers: { range } });
      expect(res.status, res.text().slice(0, 200)).toBe(206);
      expect(res.header('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.header('content-length')).toBe(String(end - start + 1));
      expect(res.body.equals(full.body.subarray(start, end + 1))).toBe(true);
      expectSecurityHeaders(res);
    });

    it('HEAD: the headers of GET, no body', async () => {
      const get = await ctx.http.get(ASSET);
      const head = await ctx.http.request(ASSET, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      for (const name of ['content-type', 'content-length', 'etag', 'cache-control']) {
        expect(head.header(name), name).toBe(get.header(name));
      }
      expectSecurityHeaders(head);
    });

    it.each([
      '/static/missing.css',
      '/static/',
      '/static',
      '/static/.env',
      '/static/.hidden.css',
      '/static/.well-known/x.css',
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/%2e%2e%2fpackage.json',
      '/static/..%2f..%2fpackage.json',
      '/static/..%5c..%5cpackage.json',
      '/static/%252e%252e/package.json',
    ])('%s: 404 not_found as JSON', async (path) => {
      const res = await ctx.http.get(path);
      expectError(res, 404, 'not_found');
      expect(res.text()).not.toContain('"dependencies"');
    });
  });
}
