// Errors in general: unknown paths are a JSON 404, odd requests a JSON 4xx, never a 5xx
// (docs/contract.md, "Common rules"). Wrong methods on known paths: methods.ts.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

export function defineErrorTests(ctx: ContractContext): void {
  describe('errors', () => {
    it.each([
      '/nope',
      '/api/nope',
      '/api/media/' + '00000000-0000-4000-8000-000000000000/extra',
      '/index.html',
    ])('unknown path %s: 404 not_found as JSON', async (path) => {
      expectError(await ctx.http.get(path), 404, 'not_found');
    });

    it('a multipart Content-Type without a boundary: a JSON 4xx', async () => {
      const res = await ctx.http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data' },
        body: 'x',
      });
      expect([400, 415]).toContain(res.status);
      expectError(res, res.status, ['bad_request', 'missing_file', 'unsupported_media_type']);
    });
  });
}
