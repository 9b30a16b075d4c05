// `X-Request-Id`: a valid incoming id is kept, anything else replaced by a UUID
// (docs/contract.md, "Common rules").
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { UUID_PATTERN } from './expect.js';

export function defineRequestIdTests(ctx: ContractContext): void {
  describe('request id', () => {
    it('keeps a valid incoming X-Request-Id', async () => {
      const id = `ct.${ctx.runId}_Req-1`;
      const res = await ctx.http.get('/api/info', { headers: { 'x-request-id': id } });
      expect(res.header('x-request-id')).toBe(id);
    });

    it('keeps a 128-character id', async () => {
      const id = 'a'.repeat(120) + ctx.runId;
      const res = await ctx.http.get('/api/info', { headers: { 'x-request-id': id } });
      expect(res.header('x-request-id')).toBe(id);
    });

    it.each([
      ['129 characters', 'b'.repeat(129)],
      ['a space', 'has space'],
      ['a slash', 'bad/id'],
      ['quotes and angle brackets', '"<x>"'],
      ['empty', ''],
    ])('replaces an id with %s by a new UUID', async (_name, id) => {
      const res = await ctx.http.get('/api/info', { headers: { 'x-request-id': id } });
      const echoed = res.header('x-request-id');
      expect(echoed).not.toBe(id);
      expect(echoed).toMatch(UUID_PATTERN);
    });

    it('makes a fresh UUID per request when none is sent, also on errors', async () => {
      const a = await ctx.http.get('/api/info');
      const b = await ctx.http.get('/no/such/path');
      expect(a.header('x-request-id')).toMatch(UUID_PATTERN);
      expect(b.header('x-request-id')).toMatch(UUID_PATTERN);
      expect(a.header('x-request-id')).not.toBe(b.header('x-request-id'));
    });
  });
}
