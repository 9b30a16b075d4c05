// `/healthz`, `/readyz` and `/api/info` (docs/contract.md, "Endpoints").
import { describe, expect, it } from 'vitest';
import { contractEnv } from '../env.js';
import type { ContractContext } from './context.js';

export function defineHealthTests(ctx: ContractContext): void {
  describe('health and info', () => {
    it('GET /healthz answers 200 {"status":"ok"} as JSON', async () => {
      const res = await ctx.http.get('/healthz');
      expect(res.status).toBe(200);
      expect(res.header('content-type')).toMatch(/^application\/json\b/i);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('GET /readyz answers 200 with every check ok', async () => {
      const res = await ctx.http.get('/readyz');
      expect(res.status, res.text()).toBe(200);
      expect(res.header('content-type')).toMatch(/^application\/json\b/i);
      const body = res.json<{ status: string; checks: Record<string, { ok: boolean }> }>();
      expect(body.status).toBe('ok');
      for (const check of ['database', 'migrations', 'storage', 'shutdown']) {
        expect(body.checks[check], `checks.${check}`).toMatchObject({ ok: true });
      }
      expect(res.text()).not.toContain(contractEnv.SECRET_KEY);
    });

    it('GET /api/info reports framework, version, stage, database, storage and node', async () => {
      const res = await ctx.http.get('/api/info');
      expect(res.status).toBe(200);
      expect(res.header('content-type')).toMatch(/^application\/json\b/i);
      const info = res.json<Record<string, unknown>>();
      expect(info).toMatchObject({
        framework: ctx.target.framework,
        stage: 'test',
        database: ctx.target.database,
        storage: ctx.target.storage,
      });
      expect(info.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
      expect(info.node).toMatch(/^v\d+\.\d+\.\d+$/);
    });

    it('GET /api/info holds nothing secret', async () => {
      const res = await ctx.http.get('/api/info');
      expect(res.status).toBe(200);
      expect(res.json()).toHaveProperty('framework', ctx.target.framework);
      const text = res.text();
      expect(text).not.toContain(contractEnv.SECRET_KEY);
      const keys: string[] = [];
      const walk = (value: unknown): void => {
        if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) {
            keys.push(k);
            walk(v);
          }
        }
      };
      walk(res.json());
      for (const key of keys) {
        expect(key).not.toMatch(/secret|password|passwd|token|credential|dsn|_url$|^env$/i);
      }
      // No connection strings or account keys in any value either.
      expect(text).not.toMatch(/:\/\/[^/"\s]*:[^@"\s]*@/);
      expect(text).not.toMatch(/AccountKey=|SharedAccessSignature|X-Amz-Signature/i);
    });
  });
}
