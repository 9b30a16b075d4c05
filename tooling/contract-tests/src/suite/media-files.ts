// `GET /media/<key>`: the file backend's own URLs, and no way out of its directory
// (docs/contract.md).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePng } from '../png.js';
import type { ContractContext } from './context.js';
import { expectError, sha256 } from './expect.js';

export function defineMediaFileTests(ctx: ContractContext): void {
  describe('GET /media/<key>', () => {
    it('file backend: serves the stored file with the content headers; cloud: 404', async () => {
      const png = makePng(6, 6, 4);
      const media = await ctx.uploadOk(ctx.unique('direct.png'), png, 'image/png', { ext: '.png' });
      const res = await ctx.http.get(`/media/${media.key}`);
      if (ctx.target.storage === 'file') {
        expect(res.status).toBe(200);
        expect(sha256(res.body)).toBe(sha256(png));
        expect(res.header('content-type')).toBe('image/png');
        expect(res.header('content-length')).toBe(String(png.length));
        expect(res.header('x-content-type-options')).toBe('nosniff');
      } else {
        expectError(res, 404, 'not_found');
      }
    });

    it('file backend: serves HTML as an attachment there too', async () => {
      const filename = ctx.unique('direct.html');
      const media = await ctx.uploadOk(filename, '<script>alert(1)</script>', 'text/html', {
        ext: '.html',
      });
      const res = await ctx.http.get(`/media/${media.key}`);
      if (ctx.target.storage === 'file') {
        expect(res.status).toBe(200);
        expect(res.header('content-disposition')).toMatch(/^attachment\s*;/i);
        expect(res.header('x-content-type-options')).toBe('nosniff');
      } else {
        expectError(res, 404, 'not_found');
      }
    });

    it.each([
      '/media/../package.json',
      '/media/../../package.json',
      '/media/%2e%2e/package.json',
      '/media/%2e%2e%2fpackage.json',
      '/media/..%2f..%2fpackage.json',
      '/media/media/..%2f..%2f..%2fetc%2fpasswd',
      '/media/%252e%252e/package.json',
      '/media/..%5c..%5cpackage.json',
      '/media/media/%00.png',
      '/media/',
      '/media/media/',
    ])('%s: 404 not_found', async (path) => {
      const res = await ctx.http.get(path);
      expectError(res, 404, 'not_found');
      expect(res.text()).not.toContain('"dependencies"');
      expect(res.text()).not.toContain('root:');
    });

    it('an unknown key: 404 not_found', async () => {
      expectError(await ctx.http.get(`/media/media/${randomUUID()}.png`), 404, 'not_found');
    });
  });
}
