// Slow clients, many at once: 50 connections whose headers stop arriving and 50 whose
// upload body stops arriving. Each is cut off with `408 request_timeout` at the documented
// limit (HEADERS_TIMEOUT_MS / IDLE_TIMEOUT_MS, 1500 here), nothing of the stalled uploads
// is stored, and the server keeps answering everyone else meanwhile.
import { openConnection, type RawConnection, rawMessage } from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appEnv,
  FAULT_TIMEOUTS,
  type RunningApp,
  scratch,
  startApp,
  timed,
} from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { scenario } from '../src/results.js';
import { listFilenames } from '../src/upload.js';

const apps = await appsUnderTest();
const EACH = 50;
const LIMIT_MS = Number(FAULT_TIMEOUTS.IDLE_TIMEOUT_MS);
/** A cut must come by the limit plus this (Node checks headersTimeout on an interval). */
const SLACK_MS = 3_000;

describe.each(apps)('slow clients: $name', (app) => {
  let running: RunningApp;
  const temp = scratch(`slow-${app.name}`);
  beforeAll(async () => {
    running = await startApp(app, appEnv(temp.databaseUrl, temp.fileDsn));
  });
  afterAll(async () => {
    await running?.terminate(5_000);
    await temp.remove();
  });

  it(`${EACH} trickling headers and ${EACH} stalled bodies are cut with 408; others are served`, async () => {
    await scenario(app.name, 'slow clients', async () => {
      const host = new URL(running.url).host;
      const filename = `stalled-${app.name}-${Date.now()}.bin`;
      const body = Buffer.concat([
        Buffer.from(
          `--b\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        Buffer.alloc(32 * 1024, 1),
      ]);
      const connections: RawConnection[] = [];
      const started = Date.now();
      const cut = async (connection: RawConnection) => {
        const res = await connection.response({ timeoutMs: LIMIT_MS + SLACK_MS });
        return {
          status: res.status,
          code: res.json<{ error: { code: string } }>().error.code,
          ms: Date.now() - started,
        };
      };
      try {
        const waits: Promise<{ status: number; code: string; ms: number }>[] = [];
        for (let i = 0; i < EACH; i += 1) {
          const headers = await openConnection(running.url);
          connections.push(headers);
          headers.write(`GET /api/info HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
          waits.push(cut(headers));
          const stalled = await openConnection(running.url);
          connections.push(stalled);
          stalled.write(
            rawMessage([
              'POST /api/media HTTP/1.1',
              `Host: ${host}`,
              'X-Forwarded-Proto: https',
              'Content-Type: multipart/form-data; boundary=b',
              `Content-Length: ${body.length + 1024}`,
            ]),
          );
          stalled.write(body);
          waits.push(cut(stalled));
        }
        // Everyone else is still served, promptly.
        const info = await timed(`${running.url}/api/info`);
        expect(info.status).toBe(200);
        expect(info.ms).toBeLessThan(1_000);
        const results = await Promise.all(waits);
        for (const r of results) {
          expect(r.status).toBe(408);
          expect(r.code).toBe('request_timeout');
        }
        const slowest = Math.max(...results.map((r) => r.ms));
        expect(slowest).toBeLessThan(LIMIT_MS + SLACK_MS);
        expect(await listFilenames(running.url)).not.toContain(filename);
        return `${results.length} cut with 408 by ${slowest} ms (limit ${LIMIT_MS}); /api/info meanwhile ${info.ms} ms; nothing stored`;
      } finally {
        for (const c of connections) c.close();
      }
    });
  });
});
