// The SSL redirect and how X-Forwarded-Proto is read: the last value (the one the
// platform's proxy appended) decides, in any case; a request without the header is not
// redirected; a redirect is 301 or 308 with an empty body; HSTS only on https requests
// (docs/contract.md, "Common rules").
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { multipartBody } from '../multipart.js';
import type { ContractContext } from './context.js';
import { expectRedirect, expectSecurityHeaders } from './expect.js';

const HSTS = 'max-age=31536000; includeSubDomains';

export function defineSslRedirectTests(ctx: ContractContext): void {
  describe('SSL redirect', () => {
    it('GET over http: 301 to https://<host><path and query>, empty body', async () => {
      const res = await ctx.http.get('/api/media?limit=5&cursor=a%20b', {
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expectRedirect(res, 301, 'https://contract.example/api/media?limit=5&cursor=a%20b');
    });

    it('HEAD over http: 301', async () => {
      const res = await ctx.http.request('/', {
        method: 'HEAD',
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expectRedirect(res, 301, 'https://contract.example/', { head: true });
    });

    it('POST and DELETE over http: 308 (method and body kept), empty body', async () => {
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
      expectRedirect(post, 308, 'https://contract.example/api/media');
      const id = randomUUID();
      const del = await ctx.http.request(`/api/media/${id}`, {
        method: 'DELETE',
        host: 'contract.example',
        forwardedProto: 'http',
      });
      expectRedirect(del, 308, `https://contract.example/api/media/${id}`);
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

    it('a redirect carries no HSTS (the request was not https)', async () => {
      const res = await ctx.http.get('/api/info', { forwardedProto: 'http' });
      expect(res.status).toBe(301);
      expect(res.header('strict-transport-security')).toBeUndefined();
    });

    it.each(['/healthz', '/readyz'])('%s is not redirected', async (path) => {
      const res = await ctx.http.get(path, { forwardedProto: 'http' });
      expect(res.status).toBe(200);
    });
  });

  describe('X-Forwarded-Proto (the last value decides)', () => {
    // [what is sent, whether the request counts as https]. An array is several header lines,
    // which count as their values joined with ", " in order.
    const cases: ReadonlyArray<readonly [string, string | readonly string[], boolean]> = [
      ['https', 'https', true],
      ['HTTPS (any case)', 'HTTPS', true],
      ['HTTP (any case)', 'HTTP', false],
      ['"http, https" (the proxy appended https)', 'http, https', true],
      ['"https, http" (the proxy appended http)', 'https, http', false],
      ['two headers, http then https', ['http', 'https'], true],
      ['two headers, https then http', ['https', 'http'], false],
    ];

    it.each(cases)('%s', async (_name, value, https) => {
      const res = await ctx.http.get('/api/info?xfp=1', {
        host: 'contract.example',
        forwardedProto: value,
      });
      if (https) {
        expect(res.status, res.text().slice(0, 200)).toBe(200);
        expect(res.header('strict-transport-security')).toBe(HSTS);
      } else {
        expectRedirect(res, 301, 'https://contract.example/api/info?xfp=1');
        expect(res.header('strict-transport-security')).toBeUndefined();
      }
    });

    it('no X-Forwarded-Proto (not through the proxy): served, not redirected, no HSTS', async () => {
      for (const path of ['/api/info', '/']) {
        const res = await ctx.http.get(path, { forwardedProto: null });
        expect(res.status, `${path}: ${res.text().slice(0, 200)}`).toBe(200);
        expect(res.header('location'), path).toBeUndefined();
        expect(res.header('strict-transport-security'), path).toBeUndefined();
        expectSecurityHeaders(res);
      }
      const missing = await ctx.http.get('/no/such/path', { forwardedProto: null });
      expect(missing.status).toBe(404);
      expect(missing.header('strict-transport-security')).toBeUndefined();
    });
  });
}
