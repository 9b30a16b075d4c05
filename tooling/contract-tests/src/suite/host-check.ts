// The Host check: hosts divio-env does not allow get `400 bad_host`, the health
// endpoints answer for any host (docs/contract.md, "Common rules").
import { describe, expect, it } from 'vitest';
import { multipartBody } from '../multipart.js';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

export function defineHostCheckTests(ctx: ContractContext): void {
  describe('Host check', () => {
    it.each([
      'evil.example',
      '127x0x0x1',
      'evil.contract.example.attacker',
      'contract.example.attacker',
      'attacker.localhost',
      'localhost.attacker',
      '127.0.0.1.nip.io',
    ])('refuses Host %s with 400 bad_host', async (host) => {
      const res = await ctx.http.get('/api/info', { host });
      expectError(res, 400, 'bad_host');
    });

    it('refuses a wrong Host on the HTML page and on uploads too', async () => {
      expectError(await ctx.http.get('/', { host: 'evil.example' }), 400, 'bad_host');
      const { contentType, body } = multipartBody([
        { filename: ctx.unique('host.txt'), contentType: 'text/plain', data: 'x' },
      ]);
      const refused = await ctx.http.request('/api/media', {
        method: 'POST',
        host: 'evil.example',
        headers: { 'content-type': contentType },
        body,
      });
      expectError(refused, 400, 'bad_host');
    });

    it.each([
      ['the base URL host', ''],
      ['localhost:8000', 'localhost:8000'],
      ['127.0.0.1', '127.0.0.1'],
      ['contract.example', 'contract.example'],
      ['CONTRACT.EXAMPLE (any case)', 'CONTRACT.EXAMPLE'],
      ['contract.example:443 (port stripped)', 'contract.example:443'],
      ['old.contract.example (DOMAIN_REDIRECTS)', 'old.contract.example'],
    ])('allows %s', async (_name, host) => {
      const res = await ctx.http.get('/api/info', host ? { host } : {});
      expect(res.status, res.text().slice(0, 200)).toBe(200);
      expect(res.json()).toMatchObject({ framework: ctx.target.framework });
    });

    it.each(['/healthz', '/readyz'])('%s answers for any Host', async (path) => {
      const res = await ctx.http.get(path, { host: 'evil.example' });
      expect(res.status, res.text()).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok' });
    });
  });
}
