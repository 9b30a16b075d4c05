// Errors in general: unknown paths are a JSON 404 (paths match exactly: case and trailing
// slash count), a path that is not valid percent-encoding a JSON 400, never a 5xx
// (docs/contract.md, "Common rules"). Wrong methods on known paths: methods.ts; requests
// the HTTP parser refuses: parser-errors.ts.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

const SOME_ID = '00000000-0000-4000-8000-000000000000';
const HSTS = 'max-age=31536000; includeSubDomains';

export function defineErrorTests(ctx: ContractContext): void {
  describe('errors', () => {
    it.each([
      '/nope',
      '/api/nope',
      `/api/media/${SOME_ID}/extra`,
      '/index.html',
      // A framework's own asset path (Next.js) misses like any other unknown path.
      '/_next/static/chunks/no-such-chunk.js',
    ])('unknown path %s: 404 not_found as JSON', async (path) => {
      expectError(await ctx.http.get(path), 404, 'not_found');
    });

    it.each([
      '/api/info/',
      '/API/INFO',
      '/Api/Info',
      '/api/media/',
      '/API/MEDIA',
      `/api/media/${SOME_ID}/`,
      `/api/media/${SOME_ID}/content/`,
      `/api/media/${SOME_ID}/CONTENT`,
      '/healthz/',
      '/HEALTHZ',
      '/readyz/',
      '/static/app.css/',
      '/STATIC/app.css',
      '/static/APP.CSS',
    ])('paths match exactly: %s is 404 not_found', async (path) => {
      expectError(await ctx.http.get(path), 404, 'not_found');
    });

    it.each(['/upload/', '/UPLOAD'])(
      'paths match exactly: POST %s is 404 not_found',
      async (path) => {
        const res = await ctx.http.request(path, { method: 'POST' });
        expectError(res, 404, 'not_found');
      },
    );

    it.each([
      '/api/media/%',
      '/api/media/%C0%AF',
      '/api/media/%zz',
      `/api/media/${SOME_ID}%/content`,
      '/static/%E0%A4%A',
      '/media/media/%',
      '/nope/%',
      '/%',
    ])('malformed percent-encoding in %s: 400 bad_request, all the usual headers', async (path) => {
      const res = await ctx.http.get(path);
      expectError(res, 400, 'bad_request');
      expect(res.header('strict-transport-security'), 'HSTS').toBe(HSTS);
      expect(res.header('x-request-id'), 'X-Request-Id').toBeTruthy();
    });
  });
}
