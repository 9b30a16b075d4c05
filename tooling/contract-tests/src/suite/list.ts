// `GET /api/media`: newest first, paged by `limit` and an opaque `cursor`
// (docs/contract.md).
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { type ErrorBody, expectError, type Media, type MediaPage } from './expect.js';

export function defineListTests(ctx: ContractContext): void {
  describe('GET /api/media (list)', () => {
    it('pages newest first with limit and cursor, without duplicates, to nextCursor null', async () => {
      const made: Media[] = [];
      for (let i = 0; i < 3; i++) {
        made.push(
          await ctx.uploadOk(ctx.unique(`page-${i}.txt`), `item ${i}`, 'text/plain', {
            ext: '.txt',
          }),
        );
        // Distinct timestamps, so "newest first" is unambiguous.
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      const [a, b, c] = made as [Media, Media, Media];

      const first = await ctx.http.get('/api/media?limit=2');
      expect(first.status).toBe(200);
      const page1 = first.json<MediaPage>();
      expect(page1.items.map((m) => m.id)).toEqual([c.id, b.id]);
      expect(page1.items[0]).toEqual(c);
      expect(typeof page1.nextCursor).toBe('string');
      expect(page1.nextCursor).not.toBe('');

      const second = await ctx.http.get(
        `/api/media?limit=2&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`,
      );
      expect(second.status).toBe(200);
      const page2 = second.json<MediaPage>();
      expect(page2.items[0]?.id).toBe(a.id);

      // Walk the rest (pages of 2, then of 100 so a big table stays quick): no
      // duplicates, createdAt never increases, ends in null.
      const seen = [...page1.items, ...page2.items];
      let cursor = page2.nextCursor;
      for (let i = 0; cursor !== null && i < 1000; i++) {
        const size = i < 10 ? 2 : 100;
        const res = await ctx.http.get(
          `/api/media?limit=${size}&cursor=${encodeURIComponent(cursor)}`,
        );
        expect(res.status).toBe(200);
        const page = res.json<MediaPage>();
        expect(page.items.length).toBeGreaterThan(0);
        expect(page.items.length).toBeLessThanOrEqual(size);
        seen.push(...page.items);
        cursor = page.nextCursor;
      }
      expect(cursor).toBeNull();
      const ids = seen.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (let i = 1; i < seen.length; i++) {
        const prev = Date.parse(seen[i - 1]?.createdAt ?? '');
        const next = Date.parse(seen[i]?.createdAt ?? '');
        expect(next, `item ${i} is newer than item ${i - 1}`).toBeLessThanOrEqual(prev);
      }
      // The one-shot listing agrees with the paged one.
      expect((await ctx.listAll()).map((m) => m.id)).toEqual(ids);
    });

    it('defaults to 20 items per page; limit=1 and limit=100 are valid', async () => {
      for (let i = 0; i < 2; i++) {
        await ctx.uploadOk(ctx.unique(`fill-${i}.txt`), 'x', 'text/plain', { ext: '.txt' });
      }
      const total = (await ctx.listAll()).length;
      const plain = (await ctx.http.get('/api/media')).json<MediaPage>();
      expect(plain.items.length).toBe(Math.min(20, total));
      expect(plain.nextCursor === null).toBe(total <= 20);
      const one = await ctx.http.get('/api/media?limit=1');
      expect(one.status).toBe(200);
      const onePage = one.json<MediaPage>();
      expect(onePage.items).toHaveLength(1);
      expect(onePage.nextCursor).not.toBeNull();
      const hundred = await ctx.http.get('/api/media?limit=100');
      expect(hundred.status).toBe(200);
      expect(hundred.json<MediaPage>().items.length).toBe(Math.min(100, total));
    });

    it.each(['0', '101', 'abc', '-1', '1.5', '10abc', '1e1', '', ' 5', '0x10'])(
      'limit=%j: 400 invalid_query naming limit',
      async (limit) => {
        const res = await ctx.http.get(`/api/media?limit=${encodeURIComponent(limit)}`);
        expectError(res, 400, 'invalid_query');
        expect(res.json<ErrorBody>().error.message).toMatch(/\blimit\b/);
      },
    );

    it.each([
      ['limit=1&limit=2', 'limit'],
      ['limit=5&limit=5', 'limit'],
      ['cursor=a&cursor=b', 'cursor'],
    ])('%s (a repeated parameter): 400 invalid_query naming %s', async (query, name) => {
      const res = await ctx.http.get(`/api/media?${query}`);
      expectError(res, 400, 'invalid_query');
      expect(res.json<ErrorBody>().error.message).toMatch(new RegExp(`\\b${name}\\b`));
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['base64 of unrelated JSON', Buffer.from('{"foo":1}').toString('base64url')],
      ['base64 of a string', Buffer.from('"x"').toString('base64url')],
      ['very long', 'A'.repeat(5000)],
    ])('a %s cursor: 400 invalid_query', async (_name, cursor) => {
      const res = await ctx.http.get(`/api/media?cursor=${encodeURIComponent(cursor)}`);
      expectError(res, 400, 'invalid_query');
    });
  });
}
