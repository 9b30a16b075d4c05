// The security headers on every response, errors included, and HSTS on https
// (docs/contract.md, "Common rules").
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../client.js';
import type { ContractContext } from './context.js';
import { expectSecurityHeaders } from './expect.js';

const HSTS = 'max-age=31536000; includeSubDomains';

export function defineSecurityHeaderTests(ctx: ContractContext): void {
  describe('security headers', () => {
    const cases: Array<[string, () => Promise<HttpResponse>]> = [
      ['200 JSON (/api/info)', () => ctx.http.get('/api/info')],
      ['200 HTML (/)', () => ctx.http.get('/')],
      ['200 /healthz', () => ctx.http.get('/healthz')],
      ['404 JSON (unknown path)', () => ctx.http.get('/no/such/path')],
      ['400 bad_host', () => ctx.http.get('/api/info', { host: 'evil.example' })],
      [
        '415 (JSON body to /api/media)',
        () =>
          ctx.http.request('/api/media', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          }),
      ],
      ['400 invalid_query', () => ctx.http.get('/api/media?limit=0')],
    ];
    it.each(cases)('on %s', async (_name, send) => {
      const res = await send();
      expectSecurityHeaders(res);
    });

    it('a script nonce in the CSP of the page is fresh on every response', async () => {
      const nonceOf = (res: HttpResponse) =>
        /'nonce-([^']+)'/.exec(res.header('content-security-policy') ?? '')?.[1];
      const [first, second] = [await ctx.http.get('/'), await ctx.http.get('/')];
      for (const page of [first, second]) {
        expect(page.status).toBe(200);
        expectSecurityHeaders(page);
      }
      const nonces = [nonceOf(first), nonceOf(second)];
      // Apps whose page has no script of its own carry no nonce: nothing to compare.
      if (nonces[0] !== undefined || nonces[1] !== undefined) {
        expect(nonces[0]).not.toBe(nonces[1]);
      }
    });

    it('HSTS on https responses: max-age=31536000; includeSubDomains', async () => {
      const info = await ctx.http.get('/api/info');
      expect(info.header('strict-transport-security')).toBe(HSTS);
      const missing = await ctx.http.get('/no/such/path');
      expect(missing.status).toBe(404);
      expect(missing.header('strict-transport-security')).toBe(HSTS);
    });
  });
}
