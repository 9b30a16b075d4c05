// `GET /api/media/:id/content`: the exact bytes, inline only for types a browser cannot
// run, attachments with an RFC 8187 filename otherwise (docs/contract.md).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePng } from '../png.js';
import type { ContractContext, Fetched } from './context.js';
import { encodeRfc8187, expectError, sha256 } from './expect.js';

export function defineContentTests(ctx: ContractContext): void {
  describe('GET /api/media/:id/content', () => {
    it('serves the exact bytes of a PNG, inline', async () => {
      const png = makePng(12, 10, 3);
      const media = await ctx.uploadOk(ctx.unique('content.png'), png, 'image/png', {
        ext: '.png',
      });
      const got = await ctx.content(media);
      if (ctx.target.storage === 'file') {
        const res = got as Fetched;
        expect(res.header('content-type')).toBe('image/png');
        expect(res.header('content-length')).toBe(String(png.length));
        expect(res.header('etag')).toBeTruthy();
        expect(res.header('x-content-type-options')).toBe('nosniff');
      }
      if (got) {
        expect(got.status).toBe(200);
        expect(sha256(got.body)).toBe(sha256(png));
        expect(got.header('content-type')).toBe('image/png');
        expect(got.header('content-disposition') ?? '').not.toMatch(/^\s*attachment/i);
      }
    });

    it.each([
      ['page.html', 'text/html', '<!doctype html><script>alert(1)</script>'],
      [
        'drawing.svg',
        'image/svg+xml',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ],
      ['feed.xml', 'application/xml', '<?xml version="1.0"?><x/>'],
      ['code.js', 'text/javascript', 'alert(1)'],
    ])('serves %s (%s) as an attachment with nosniff', async (name, type, body) => {
      const filename = ctx.unique(name);
      const media = await ctx.uploadOk(filename, body, type, {
        ext: name.slice(name.lastIndexOf('.')),
      });
      const got = await ctx.content(media);
      if (got) {
        expect(got.status).toBe(200);
        expect(got.body.toString('utf8')).toBe(body);
        expect(got.header('content-disposition')).toMatch(/^attachment\s*;/i);
        expect(got.header('content-disposition')).toContain(
          `filename*=UTF-8''${encodeRfc8187(filename)}`,
        );
        // The app's own answer carries nosniff (checked in ctx.content() for the 302); an
        // object store cannot be told to send it, so only the file backend's bytes must.
        if (ctx.target.storage === 'file')
          expect(got.header('x-content-type-options')).toBe('nosniff');
      }
    });

    it('encodes a Unicode filename in the attachment disposition', async () => {
      const filename = ctx.unique('café 東京.html');
      const media = await ctx.uploadOk(filename, '<p>x</p>', 'text/html', { ext: '.html' });
      const got = await ctx.content(media);
      if (got) {
        expect(got.header('content-disposition')).toContain(
          `filename*=UTF-8''${encodeRfc8187(filename)}`,
        );
      }
    });

    it.each([
      ['text/plain', 'readme.txt'],
      ['application/pdf', 'doc.pdf'],
      ['image/jpeg', 'pic.jpg'],
    ])('serves %s inline', async (type, name) => {
      const media = await ctx.uploadOk(ctx.unique(name), 'x', type, {
        ext: name.slice(name.lastIndexOf('.')),
      });
      const got = await ctx.content(media);
      if (got) {
        expect(got.status).toBe(200);
        expect(got.header('content-disposition') ?? '').not.toMatch(/^\s*attachment/i);
      }
    });

    it('file backend: 304 without a body when If-None-Match holds the ETag', async ({ skip }) => {
      // The cloud backends answer 302: conditional requests go to the object store.
      if (ctx.target.storage !== 'file') skip();
      const media = await ctx.uploadOk(ctx.unique('etag.txt'), 'tagged', 'text/plain', {
        ext: '.txt',
      });
      const first = await ctx.http.get(media.url);
      expect(first.status).toBe(200);
      const etag = first.header('etag') ?? '';
      expect(etag).toMatch(/^(W\/)?"[^"]*"$/);
      const again = await ctx.http.get(media.url, { headers: { 'if-none-match': etag } });
      expect(again.status, again.text()).toBe(304);
      expect(again.body.length).toBe(0);
      const other = await ctx.http.get(media.url, { headers: { 'if-none-match': '"other"' } });
      expect(other.status).toBe(200);
      expect(other.text()).toBe('tagged');
    });

    it('unknown id: 404 not_found', async () => {
      expectError(await ctx.http.get(`/api/media/${randomUUID()}/content`), 404, 'not_found');
      expectError(await ctx.http.get('/api/media/not-a-uuid/content'), 404, 'not_found');
    });
  });
}
