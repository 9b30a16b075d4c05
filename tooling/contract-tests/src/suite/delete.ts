// `DELETE /api/media/:id`: row, object and page entry gone; a request body is ignored
// (docs/contract.md).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePng } from '../png.js';
import { type ContractContext, LOCAL_HOSTS } from './context.js';
import { expectError, expectSecurityHeaders } from './expect.js';

export function defineDeleteTests(ctx: ContractContext): void {
  describe('DELETE /api/media/:id', () => {
    it('204, then the row and the object are gone', async () => {
      const png = makePng(5, 5, 5);
      const media = await ctx.uploadOk(ctx.unique('delete-me.png'), png, 'image/png', {
        ext: '.png',
      });
      // Where the object could be fetched from before the delete.
      const before = await ctx.http.get(media.url);
      const location = ctx.target.storage === 'file' ? undefined : before.header('location');

      const res = await ctx.http.request(`/api/media/${media.id}`, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect(res.body.length).toBe(0);
      expectSecurityHeaders(res);

      expectError(await ctx.http.get(`/api/media/${media.id}`), 404, 'not_found');
      expectError(await ctx.http.get(media.url), 404, 'not_found');
      expect((await ctx.listAll()).some((m) => m.id === media.id)).toBe(false);
      if (ctx.target.storage === 'file') {
        expectError(await ctx.http.get(`/media/${media.key}`), 404, 'not_found');
      } else if (location && LOCAL_HOSTS.has(new URL(location).hostname)) {
        const gone = await ctx.fetchExternal(location);
        expect(gone.status).toBeGreaterThanOrEqual(400);
      }
      const page = await ctx.http.get('/');
      expect(page.text()).not.toContain(media.url);
    });

    it.each([
      ['a JSON body', 'application/json', '{"confirm":true}'],
      ['a text body', 'text/plain', 'please'],
    ])('a DELETE with %s: the body is ignored, 204', async (_name, type, body) => {
      const media = await ctx.uploadOk(ctx.unique('delete-body.txt'), 'x', 'text/plain', {
        ext: '.txt',
      });
      const res = await ctx.http.request(`/api/media/${media.id}`, {
        method: 'DELETE',
        headers: { 'content-type': type },
        body,
      });
      expect(res.status, res.text().slice(0, 300)).toBe(204);
      expectError(await ctx.http.get(`/api/media/${media.id}`), 404, 'not_found');
    });

    it('deleting again, or an unknown id: 404 not_found', async () => {
      const media = await ctx.uploadOk(ctx.unique('twice.txt'), 'x', 'text/plain', { ext: '.txt' });
      const first = await ctx.http.request(`/api/media/${media.id}`, { method: 'DELETE' });
      expect(first.status).toBe(204);
      const again = await ctx.http.request(`/api/media/${media.id}`, { method: 'DELETE' });
      expectError(again, 404, 'not_found');
      expectError(
        await ctx.http.request(`/api/media/${randomUUID()}`, { method: 'DELETE' }),
        404,
        'not_found',
      );
      expectError(
        await ctx.http.request('/api/media/not-a-uuid', { method: 'DELETE' }),
        404,
        'not_found',
      );
    });
  });
}
