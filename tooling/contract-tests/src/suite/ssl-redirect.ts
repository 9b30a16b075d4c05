// The SSL redirect for `X-Forwarded-Proto: http`: 301 or 308 to the https URL, the
// health endpoints exempt (docs/contract.md, "Common rules").
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { multipartBody } from '../multipart.js';
import type { ContractContext } from './context.js';

export function defineSslRedirectTests(ctx: ContractContext): void {
  describe('SSL redirect', () => {
    it('GET over http: 301 to https://<host><path and query>', async () => {
      const res = await ctx.http.get('/api/media?limit=5&cursor=a%20b', {
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expect(res.status).toBe(301);
      expect(res.header('location')).toBe(
        'https://contract.example/api/media?limit=5&cursor=a%20b',
      );
    });

    it('HEAD over http: 301', async () => {
      const res = await ctx.http.request('/', {
        method: 'HEAD',
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expect(res.status).toBe(301);
      expect(res.header('location')).toBe('https://contract.example/');
    });

    it('POST and DELETE over http: 308 (method and body kept)', async () => {
      const { contentType, body } = multipartBody([
        { filename: ctx.unique('redirected.txt'), contentType: 'text/plain', data: 'x' },
      ]);
      const post = await ctx.http.request('/api/media', {
        method: 'POST',
        host: 'contract.example',
        forwardedProto: 'http',
        headers: { 'content-type': contentType },
        body,
      });
      expect(post.status).toBe(308);
      expect(post.header('location')).toBe('https://contract.example/api/media');
      const id = randomUUID();
      const del = await ctx.http.request(`/api/media/${id}`, {
        method: 'DELETE',
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expect(del.status).toBe(308);
      expect(del.header('location')).toBe(`https://contract.example/api/media/${id}`);
    });

    it('a redirected upload stores nothing', async () => {
      const filename = ctx.unique('not-stored.txt');
      const res = await ctx.upload([{ filename, contentType: 'text/plain', data: 'x' }], {
        forwardedProto: 'http',
      });
      expect(res.status).toBe(308);
      const all = await ctx.listAll();
      expect(all.filter((m) => m.filename === filename)).toEqual([]);
    });

    it.each(['/healthz', '/readyz'])('%s is not redirected', async (path) => {
      const res = await ctx.http.get(path, { forwardedProto: 'http' });
      expect(res.status).toBe(200);
    });
  });
}
