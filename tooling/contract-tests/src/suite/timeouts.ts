// Slow clients (docs/contract.md, "Timeouts"): headers that stop arriving and a body that
// stops arriving are cut off with `408 request_timeout` in the contract's JSON shape and the
// connection closed, after HEADERS_TIMEOUT_MS and IDLE_TIMEOUT_MS of contractEnv; a cut
// upload stores nothing; a body that keeps moving, however slowly, is never cut.
//
// Over raw sockets: the tests decide when each byte leaves. The three cases run at the same
// time, so the group costs about one timeout, not three.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { contractHeadersTimeoutMs, contractIdleTimeoutMs } from '../env.js';
import { multipartBody } from '../multipart.js';
import { openConnection, rawMessage } from '../raw.js';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

/** Slack on top of a server timeout: Node checks headersTimeout on an interval. */
const SLACK_MS = 3_000;

export function defineTimeoutTests(ctx: ContractContext): void {
  describe.concurrent('slow clients', () => {
    it('headers that stop arriving: 408 request_timeout as JSON, connection closed', async () => {
      const started = Date.now();
      const connection = await openConnection(ctx.http.baseUrl);
      try {
        connection.write(`GET /api/info HTTP/1.1\r\nHost: ${ctx.http.host}\r\nX-Slow: 1\r\n`);
        const res = await connection.response({ timeoutMs: contractHeadersTimeoutMs + SLACK_MS });
        expectError(res, 408, 'request_timeout');
        expect(Date.now() - started).toBeGreaterThanOrEqual(contractHeadersTimeoutMs - 100);
        expect(await connection.closed(), 'the server closed the connection').toBe(true);
      } finally {
        connection.close();
      }
    });

    it('a body that stops arriving: 408 request_timeout, connection closed, nothing stored', async () => {
      const filename = ctx.unique('stalled.bin');
      const { contentType, body } = multipartBody([
        { filename, contentType: 'application/octet-stream', data: Buffer.alloc(64 * 1024, 7) },
      ]);
      const connection = await openConnection(ctx.http.baseUrl);
      try {
        connection.write(
          rawMessage([
            'POST /api/media HTTP/1.1',
            `Host: ${ctx.http.host}`,
            'X-Forwarded-Proto: https',
            `Content-Type: ${contentType}`,
            `Content-Length: ${body.length}`,
          ]),
        );
        // Half the body, then silence.
        connection.write(body.subarray(0, body.length / 2));
        const started = Date.now();
        const res = await connection.response({ timeoutMs: contractIdleTimeoutMs + SLACK_MS });
        expectError(res, 408, 'request_timeout');
        expect(Date.now() - started).toBeGreaterThanOrEqual(contractIdleTimeoutMs - 100);
        expect(await connection.closed(), 'the server closed the connection').toBe(true);
      } finally {
        connection.close();
      }
      // The app's own cleanup runs after the cut: give it a moment, then nothing is listed.
      await sleep(300);
      expect((await ctx.listAll()).map((m) => m.filename)).not.toContain(filename);
    });

    it('a body that keeps moving slower than the idle timeout in total is stored', async () => {
      const filename = ctx.unique('steady.bin');
      const { contentType, body } = multipartBody([
        { filename, contentType: 'application/octet-stream', data: Buffer.alloc(8 * 1024, 9) },
      ]);
      const connection = await openConnection(ctx.http.baseUrl, contractIdleTimeoutMs * 3);
      try {
        connection.write(
          rawMessage([
            'POST /api/media HTTP/1.1',
            `Host: ${ctx.http.host}`,
            'X-Forwarded-Proto: https',
            `Content-Type: ${contentType}`,
            `Content-Length: ${body.length}`,
          ]),
        );
        // Six slices, each well inside the idle timeout: about 1.5 idle timeouts in total.
        const slices = 6;
        const step = Math.ceil(body.length / slices);
        for (let i = 0; i < slices; i += 1) {
          connection.write(body.subarray(i * step, (i + 1) * step));
          if (i < slices - 1) await sleep(contractIdleTimeoutMs / 4);
        }
        const res = await connection.response({ timeoutMs: contractIdleTimeoutMs + SLACK_MS });
        expect(res.status, res.text()).toBe(201);
      } finally {
        connection.close();
      }
    });
  });
}
