// `GET /api/media/:id`: the media object, or 404 for any id that names none, however
// long (docs/contract.md).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

export function defineGetTests(ctx: ContractContext): void {
  describe('GET /api/media/:id', () => {
    it('answers the media object', async () => {
      const media = await ctx.uploadOk(ctx.unique('get.txt'), 'get me', 'text/plain', {
        ext: '.txt',
      });
      const res = await ctx.http.get(`/api/media/${media.id}`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(media);
    });

    it.each([
      ['an unknown UUID', randomUUID()],
      ['a non-UUID', 'not-a-uuid'],
      ['a number', '12345'],
      ['an SQL-looking id', encodeURIComponent("1' OR '1'='1")],
      ['an upper-case unknown UUID', randomUUID().toUpperCase()],
      ['a 101-character id', 'a'.repeat(101)],
      ['an 8000-character id', 'b'.repeat(8000)],
    ])('%s: 404 not_found', async (_name, id) => {
      expectError(await ctx.http.get(`/api/media/${id}`), 404, 'not_found');
    });

    it('an id too long to be a UUID is just unknown: 404 on every route of the id', async () => {
      const id = 'c'.repeat(2000);
      expectError(await ctx.http.get(`/api/media/${id}/content`), 404, 'not_found');
      expectError(
        await ctx.http.request(`/api/media/${id}`, { method: 'DELETE' }),
        404,
        'not_found',
      );
      const head = await ctx.http.request(`/api/media/${id}`, { method: 'HEAD' });
      expect(head.status).toBe(404);
    });
  });
}
