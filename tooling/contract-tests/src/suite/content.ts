// `GET /api/media/:id/content`: the exact bytes, inline only for types a browser cannot
// run, attachments with an RFC 8187 filename otherwise (docs/contract.md).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePng } from '../png.js';
import type { ContractContext, Fetched } from './context.js';
import { encodeRfc8187, expectError, expectNotModified, sha256 } from './expect.js';

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

    it('304 without a body when If-None-Match holds the ETag (cloud: always the 302)', async () => {
      const media = await ctx.uploadOk(ctx.unique('etag.txt'), 'tagged', 'text/plain', {
        ext: '.txt',
      });
      if (ctx.target.storage !== 'file') {
        // The cloud backends redirect whatever the validators: the object store answers
        // conditional requests itself.
        const res = await ctx.http.get(media.url, { headers: { 'if-none-match': '*' } });
        expect(res.status, res.text().slice(0, 300)).toBe(302);
        return;
      }
      const first = await ctx.http.get(media.url);
      expect(first.status).toBe(200);
      const etag = first.header('etag') ?? '';
      expect(etag).toMatch(/^(W\/)?"[^"]*"$/);
      const again = await ctx.http.get(media.url, { headers: { 'if-none-match': etag } });
      expectNotModified(again, first);
      const other = await ctx.http.get(media.url, { headers: { 'if-none-match': '"other"' } });
      expect(other.status).toBe(200);
      expect(other.text()).toBe('tagged');
    });

    it.for([
      ['/api/media/:id/content', 'an attachment (HTML)', 'page.html', 'text/html'],
      ['/media/<key>', 'an attachment (HTML)', 'page.html', 'text/html'],
      ['/media/<key>', 'an inline file', 'inline.txt', 'text/plain'],
    ] as const)(
      'a 304 from %s for %s has the validators and no content headers (cloud: 302 or 404)',
      async ([route, , name, type]) => {
        const media = await ctx.uploadOk(ctx.unique(name), '<p>cached</p>', type, {
          ext: name.slice(name.lastIndexOf('.')),
        });
        const url = route === '/media/<key>' ? `/media/${media.key}` : media.url;
        if (ctx.target.storage !== 'file') {
          // Only the file backend serves bytes itself: content redirects, /media/<key> is unknown.
          const res = await ctx.http.get(url, { headers: { 'if-none-match': '*' } });
          if (route === '/media/<key>') expectError(res, 404, 'not_found');
          else expect(res.status, res.text().slice(0, 300)).toBe(302);
          return;
        }
        const first = await ctx.http.get(url);
        expect(first.status).toBe(200);
        const again = await ctx.http.get(url, {
          headers: { 'if-none-match': first.header('etag') ?? '' },
        });
        expectNotModified(again, first);
      },
    );

    it.for([
      ['text/html', 'page.html', '<p>exact</p>'],
      ['text/plain', 'plain.txt', 'exact'],
      ['application/json', 'data.json', '{"exact":true}'],
      ['text/csv', 'table.csv', 'a,b'],
    ] as const)('serves %s exactly as stored (no charset added)', async ([type, name, body]) => {
      const media = await ctx.uploadOk(ctx.unique(name), body, type, {
        ext: name.slice(name.lastIndexOf('.')),
      });
      if (ctx.target.storage !== 'file') {
        // The object store serves it: its stored type, when the test can reach the store.
        const got = await ctx.content(media);
        if (got) {
          expect(got.header('content-type')).toBe(type);
          expect(got.body.toString('utf8')).toBe(body);
        }
        return;
      }
      for (const url of [media.url, `/media/${media.key}`]) {
        const res = await ctx.http.get(url);
        expect(res.status, url).toBe(200);
        expect(res.header('content-type'), url).toBe(type);
        expect(res.text(), url).toBe(body);
      }
    });

    it('unknown id: 404 not_found', async () => {
      expectError(await ctx.http.get(`/api/media/${randomUUID()}/content`), 404, 'not_found');
      expectError(await ctx.http.get('/api/media/not-a-uuid/content'), 404, 'not_found');
    });
  });
}
