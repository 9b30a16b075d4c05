// The request log: one JSON line per request, no credential header values, nothing of a
// request the HTTP parser refused but one JSON line (docs/contract.md, "Common rules").
// Needs the app's stdout, so it is optional.
import { describe, expect, it } from 'vitest';
import { contractEnv } from '../env.js';
import { rawMessage, rawRequest } from '../raw.js';
import type { ContractContext } from './context.js';
import { UUID_PATTERN } from './expect.js';

/** The request log lines (JSON objects with a `status`) that carry `reqId`. */
export function requestLogLines(logs: string, reqId: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of logs.split('\n')) {
    if (!line.includes(reqId)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`a log line with request id ${reqId} is not JSON: ${line.slice(0, 200)}`);
    }
    const record = parsed as Record<string, unknown>;
    if (record.reqId === reqId && 'status' in record) lines.push(record);
  }
  return lines;
}

/** `readLogs` returns everything the app wrote to stdout so far. */
export function defineLogTests(
  ctx: ContractContext,
  readLogs: () => string | Promise<string>,
): void {
  describe('logs', () => {
    /** Waits (briefly) for the request line of `reqId`: loggers may write after the answer. */
    const logLines = async (reqId: string): Promise<Array<Record<string, unknown>>> => {
      for (let i = 0; i < 40; i++) {
        const lines = requestLogLines(await readLogs(), reqId);
        if (lines.length > 0) return lines;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [];
    };

    it('one JSON line per request: method, url, status, responseTime, reqId', async () => {
      const reqId = `ct-log-${ctx.runId}-ok`;
      const res = await ctx.http.get('/api/info?probe=1', { headers: { 'x-request-id': reqId } });
      expect(res.status).toBe(200);
      const lines = await logLines(reqId);
      expect(lines, `request log lines for ${reqId}`).toHaveLength(1);
      const line = lines[0] ?? {};
      expect(line.method).toBe('GET');
      expect(String(line.url)).toMatch(/^\/api\/info(\?|$)/);
      expect(line.status).toBe(200);
      expect(typeof line.responseTime).toBe('number');
      expect(line.responseTime as number).toBeGreaterThanOrEqual(0);
    });

    it('logs errors with their status and the generated id', async () => {
      const res = await ctx.http.get('/no/such/path');
      const reqId = res.header('x-request-id') ?? '';
      expect(reqId).toMatch(UUID_PATTERN);
      const lines = await logLines(reqId);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.status).toBe(404);
    });

    it('logs a request the HTTP parser refused as JSON, without its raw bytes', async () => {
      const before = (await readLogs()).length;
      const authorization = `Bearer ct-raw-authorization-${ctx.runId}-do-not-log`;
      const cookie = `session=ct-raw-cookie-${ctx.runId}-do-not-log`;
      // A lower-case method: Node's parser refuses it, so only the server's error handler sees it.
      const res = await rawRequest(
        ctx.http.baseUrl,
        rawMessage([
          'get /api/info HTTP/1.1',
          `Host: ${ctx.http.host}`,
          `Authorization: ${authorization}`,
          `Cookie: ${cookie}`,
        ]),
      );
      expect(res.status).toBe(400);
      let added = '';
      for (let i = 0; i < 40 && added.trim() === ''; i++) {
        added = (await readLogs()).slice(before);
        if (added.trim() === '') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const lines = added.split('\n').filter((line) => line.trim() !== '');
      expect(lines.length, 'a log line for the refused request').toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(added).not.toContain(`ct-raw-authorization-${ctx.runId}`);
      expect(added).not.toContain(`ct-raw-cookie-${ctx.runId}`);
    });

    it('never writes credential header values', async () => {
      const reqId = `ct-log-${ctx.runId}-secret`;
      const authorization = `Bearer ct-authorization-${ctx.runId}-do-not-log`;
      const cookie = `session=ct-cookie-${ctx.runId}-do-not-log`;
      const res = await ctx.http.get('/api/info', {
        headers: { 'x-request-id': reqId, authorization, cookie },
      });
      expect(res.status).toBe(200);
      expect(await logLines(reqId)).toHaveLength(1);
      const logs = await readLogs();
      expect(logs).not.toContain(`ct-authorization-${ctx.runId}`);
      expect(logs).not.toContain(`ct-cookie-${ctx.runId}`);
      expect(logs).not.toContain(contractEnv.SECRET_KEY);
    });
  });
}
