// `GET /`: the page with the upload form, the newest 50 items, the built stylesheet, user
// text escaped (docs/contract.md). The static files themselves: static-files.ts.
import { describe, expect, it } from 'vitest';
import { decodeEntities, findTags } from '../html.js';
import { makePng } from '../png.js';
import type { ContractContext } from './context.js';
import { expectSecurityHeaders, type MediaPage } from './expect.js';

export function defineHtmlPageTests(ctx: ContractContext): void {
  describe('HTML page', () => {
    it('GET / is text/html; charset=utf-8 with the upload form', async () => {
      const res = await ctx.http.get('/');
      expect(res.status).toBe(200);
      expect(res.header('content-type')).toMatch(/^text\/html;\s*charset=utf-8$/i);
      const html = res.text();
      const forms = findTags(html, 'form').filter((f) => f.attrs.action === '/upload');
      expect(forms, 'a <form action="/upload">').toHaveLength(1);
      const form = forms[0];
      expect(form?.attrs.method?.toLowerCase()).toBe('post');
      expect(form?.attrs.enctype?.toLowerCase()).toBe('multipart/form-data');
      const end = html.indexOf('</form>', form?.index ?? 0);
      expect(end).toBeGreaterThan(form?.index ?? 0);
      const inside = html.slice(form?.index ?? 0, end);
      const inputs = findTags(inside, 'input').filter(
        (i) => i.attrs.type?.toLowerCase() === 'file' && i.attrs.name === 'file',
      );
      expect(inputs, '<input type="file" name="file"> inside the form').toHaveLength(1);
      const submits = [
        ...findTags(inside, 'button').filter((b) => (b.attrs.type ?? 'submit') === 'submit'),
        ...findTags(inside, 'input').filter((i) => i.attrs.type?.toLowerCase() === 'submit'),
      ];
      expect(submits.length, 'a submit button (the form works without JavaScript)').toBeGreaterThan(
        0,
      );
    });

    it('links the stylesheet, served as text/css with a long cache lifetime', async () => {
      const html = (await ctx.http.get('/')).text();
      const links = findTags(html, 'link').filter(
        (l) => l.attrs.rel?.toLowerCase() === 'stylesheet',
      );
      // A cache-busting query (`/static/app.css?v=<hash>`) is fine.
      const href = links
        .map((l) => l.attrs.href ?? '')
        .find((h) => h.split('?')[0] === '/static/app.css');
      expect(href, `stylesheet links: ${links.map((l) => l.raw).join(' ')}`).toBeDefined();
      const css = await ctx.http.get(href ?? '/static/app.css');
      const plain = await ctx.http.get('/static/app.css');
      expect(plain.status).toBe(200);
      expect(plain.body.equals(css.body)).toBe(true);
      expect(css.status).toBe(200);
      expect(css.header('content-type')).toMatch(/^text\/css\b/i);
      expect(css.body.length).toBeGreaterThan(0);
      const maxAge = /max-age=(\d+)/.exec(css.header('cache-control') ?? '');
      expect(
        Number(maxAge?.[1] ?? 0),
        `Cache-Control: ${css.header('cache-control')}`,
      ).toBeGreaterThanOrEqual(86_400);
      expectSecurityHeaders(css);
    });

    it('lists images as <img src=url> and other files as links', async () => {
      const image = await ctx.uploadOk(ctx.unique('thumb.png'), makePng(3, 3, 6), 'image/png', {
        ext: '.png',
      });
      const text = await ctx.uploadOk(ctx.unique('doc.txt'), 'x', 'text/plain', { ext: '.txt' });
      const svg = await ctx.uploadOk(
        ctx.unique('vector.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg"/>',
        'image/svg+xml',
        {
          ext: '.svg',
        },
      );
      const html = (await ctx.http.get('/')).text();
      const imgs = findTags(html, 'img').map((i) => i.attrs.src);
      const hrefs = findTags(html, 'a').map((a) => a.attrs.href);
      expect(imgs).toContain(image.url);
      expect(imgs).not.toContain(text.url);
      expect(hrefs).toContain(text.url);
      expect(imgs, 'SVG is never shown as <img>').not.toContain(svg.url);
      expect(hrefs).toContain(svg.url);
    });

    it('shows the newest 50 items only', async () => {
      let total = (await ctx.listAll()).length;
      for (; total < 51; total++) {
        await ctx.uploadOk(ctx.unique(`many-${total}.txt`), 'x', 'text/plain', { ext: '.txt' });
      }
      const newest = (await ctx.http.get('/api/media?limit=51')).json<MediaPage>().items;
      expect(newest).toHaveLength(51);
      const html = (await ctx.http.get('/')).text();
      const shown = new Set(
        [
          ...findTags(html, 'img').map((i) => i.attrs.src),
          ...findTags(html, 'a').map((a) => a.attrs.href),
        ].filter(
          (u): u is string => typeof u === 'string' && /^\/api\/media\/[^/]+\/content$/.test(u),
        ),
      );
      expect(shown.size).toBe(50);
      for (const item of newest.slice(0, 50)) expect(shown, item.filename).toContain(item.url);
      expect(shown).not.toContain(newest[50]?.url);
    });

    it('HTML-escapes user text (filenames)', async () => {
      const filename = ctx.unique('<script>alert(1)<script>"\'&.txt');
      const media = await ctx.uploadOk(filename, 'x', 'text/plain', { ext: '.txt' });
      expect(media.filename).toBe(filename);
      const html = (await ctx.http.get('/')).text();
      expect(html).not.toContain('<script>alert(1)');
      // Shown, escaped (any entity style): decoding the page gives the name back.
      expect(decodeEntities(html)).toContain(filename);
      expect(html).not.toContain(filename);
    });
  });
}
