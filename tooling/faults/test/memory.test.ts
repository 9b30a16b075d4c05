// Memory: 1,000 uploads after a warm-up, on SQLite and the file backend. The server's RSS
// (from /proc) must come back to within a bounded distance of its level after the warm-up:
// growth that keeps pace with the number of uploads is a leak. The figures are printed in
// the summary table; speed targets belong to the benchmarks, not here.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEnv, type RunningApp, scratch, startApp } from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { scenario } from '../src/results.js';
import { streamUpload } from '../src/upload.js';

const apps = await appsUnderTest();
const WARM_UP = 100;
const UPLOADS = 1_000;
const CONCURRENCY = 16;
const MIB = 1024 * 1024;
/**
 * Allowed RSS growth over the post-warm-up level. V8 grows its heap lazily and gives memory
 * back slowly, and the apps' frameworks differ (measured on the 2-core CI machine: 32 to
 * 44 MiB for Express, Fastify, Hono and Koa; 84 MiB for NestJS, 123 MiB for Next.js): the
 * bound catches a leak that keeps a few times each upload's size (192 KiB per upload adds
 * 192 MiB over 1,000), not heap headroom. The figures are what to watch.
 */
const BOUND_BYTES = 192 * MIB;

async function uploads(running: RunningApp, count: number, tag: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const res = await streamUpload(running.url, { filename: `${tag}-${i}.bin`, size: 16 * 1024 });
      if (res.status !== 201) throw new Error(`upload ${tag}-${i}: ${res.status} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** RSS after the process had a moment to settle (timers, GC on idle). */
async function settledRss(running: RunningApp): Promise<number> {
  await sleep(1_000);
  return running.rssBytes();
}

describe.each(apps)('memory: $name', (app) => {
  let running: RunningApp;
  const temp = scratch(`memory-${app.name}`);
  beforeAll(async () => {
    running = await startApp(
      app,
      appEnv(temp.databaseUrl, temp.fileDsn, {
        LOG_LEVEL: 'warn',
      }),
    );
  });
  afterAll(async () => {
    await running?.terminate(5_000);
    await temp.remove();
  });

  it(`RSS after ${UPLOADS} uploads stays within ${BOUND_BYTES / MIB} MiB of the warm level`, async () => {
    await scenario(app.name, `memory, ${UPLOADS} uploads`, async () => {
      await uploads(running, WARM_UP, 'warm');
      const warm = await settledRss(running);
      const started = Date.now();
      await uploads(running, UPLOADS, 'load');
      const seconds = (Date.now() - started) / 1000;
      const after = await settledRss(running);
      const mib = (bytes: number) => (bytes / MIB).toFixed(1);
      expect(after - warm, `RSS ${mib(warm)} -> ${mib(after)} MiB`).toBeLessThan(BOUND_BYTES);
      return `RSS ${mib(warm)} MiB warm -> ${mib(after)} MiB after (${after >= warm ? '+' : ''}${mib(after - warm)}); ${(UPLOADS / seconds).toFixed(0)} uploads/s`;
    });
  });
});
