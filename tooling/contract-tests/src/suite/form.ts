// `POST /upload`, the HTML form's target: 303 to `/`, errors as the HTML page
// (docs/contract.md).
import { describe, expect, it } from 'vitest';
import { decodeEntities, findTags } from '../html.js';
import { makePng } from '../png.js';
import type { ContractContext } from './context.js';
import { expectRedirect, expectSecurityHeaders } from './expect.js';

export function defineFormTests(ctx: ContractContext): void {
  describe('POST /upload (the HTML form)', () => {
    it('stores the file and answers 303 See Other to /, with an empty body', async () => {
      const filename = ctx.unique('form.png');
      const res = await ctx.upload(
        [{ filename, contentType: 'image/png', data: makePng(4, 4, 7) }],
        {
          path: '/upload',
        },
      );
      expectRedirect(res, 303, '/');
      const stored = (await ctx.listAll()).filter((m) => m.filename === filename);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.key).toBe(`media/${stored[0]?.id}.png`);
      const html = (await ctx.http.get('/')).text();
      expect(findTags(html, 'img').map((i) => i.attrs.src)).toContain(stored[0]?.url);
    });

    it('without a file: the HTML page with status 400 and a message', async () => {
      const res = await ctx.upload(
        [{ filename: '', contentType: 'application/octet-stream', data: '' }],
        {
          path: '/upload',
        },
      );
      expect(res.status).toBe(400);
      expect(res.header('content-type')).toMatch(/^text\/html\b/i);
      expect(findTags(res.text(), 'form').some((f) => f.attrs.action === '/upload')).toBe(true);
      expectSecurityHeaders(res);
      // The message is the one the JSON API gives for the same upload.
      const api = await ctx.upload([
        { filename: '', contentType: 'application/octet-stream', data: '' },
      ]);
      const { message } = api.json<{ error: { message: string } }>().error;
      expect(decodeEntities(res.text())).toContain(message);
    });

    it('not multipart: the HTML page with status 415', async () => {
      const res = await ctx.http.request('/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'file=x',
      });
      expect(res.status).toBe(415);
      expect(res.header('content-type')).toMatch(/^text\/html\b/i);
      const api = await ctx.http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'file=x',
      });
      const { message } = api.json<{ error: { message: string } }>().error;
      expect(decodeEntities(res.text())).toContain(message);
    });
  });
}
