// SIGTERM with 50 slow uploads in flight, on SQLite and the file backend (whose temporary
// files the test can see). Inside the shutdown timeout every upload finishes: 201, stored,
// exit 0. Past it the uploads still running are cut: the log names them, the process exits
// 0 shortly after the timeout, and what was cut leaves nothing (no row, no object, no
// `.part` file); every upload that got its 201 is stored.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { appEnv, type RunningApp, scratch, startApp } from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { scenario } from '../src/results.js';
import { listFilenames, streamUpload, type UploadOutcome } from '../src/upload.js';

const apps = await appsUnderTest();
const UPLOADS = 50;
const KIB = 1024;

/** Files under the media root (objects), and temp files under its `.tmp`. */
async function filesOnDisk(root: string): Promise<{ objects: number; temps: string[] }> {
  let objects = 0;
  try {
    const entries = await readdir(join(root, 'media'));
    objects = entries.length;
  } catch {
    // no upload stored yet
  }
  let temps: string[] = [];
  try {
    temps = (await readdir(join(root, '.tmp'))).filter((n) => n.endsWith('.part'));
  } catch {
    // no .tmp yet
  }
  return { objects, temps };
}

/**
 * Starts 50 uploads of 256 KiB, paced (64 KiB every `pauseMs`), sends SIGTERM once the
 * server is streaming every one of them (a `.part` file each: a connection still in the
 * listen backlog would be refused by the closing listener, which is not what is tested),
 * and returns their outcomes, the exit and its time.
 */
async function uploadsThenSigterm(running: RunningApp, root: string, tag: string, pauseMs: number) {
  const names = Array.from({ length: UPLOADS }, (_, i) => `${tag}-${i}.bin`);
  const outcomes = names.map((filename) =>
    streamUpload(running.url, { filename, size: 256 * KIB, pauseMs, timeoutMs: 30_000 }),
  );
  const deadline = Date.now() + 10_000;
  while ((await filesOnDisk(root)).temps.length < UPLOADS) {
    if (Date.now() > deadline) throw new Error('the 50 uploads did not all start within 10 s');
    await sleep(10);
  }
  const exit = await running.terminate(30_000);
  const results: UploadOutcome[] = await Promise.all(outcomes);
  return { names, results, exit };
}

describe.each(apps)('SIGTERM with uploads in flight: $name', (app) => {
  const temp = scratch(`sigterm-${app.name}`);
  const env = (timeoutMs: number) =>
    appEnv(temp.databaseUrl, temp.fileDsn, {
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
  const stored: string[] = [];
  let running: RunningApp | undefined;
  afterAll(async () => {
    await running?.terminate(5_000);
    await temp.remove();
  });

  it('inside the shutdown timeout: every upload 201 and stored, exit 0', async () => {
    await scenario(app.name, 'SIGTERM, uploads inside timeout', async () => {
      running = await startApp(app, env(10_000));
      // Each upload takes about 1.5 s (six writes, 300 ms apart).
      const { names, results, exit } = await uploadsThenSigterm(running, temp.dir, 'inside', 300);
      const created = results.filter((r) => r.status === 201).length;
      expect(exit.code).toBe(0);
      expect(created, results.map((r) => r.status).join(',')).toBe(UPLOADS);
      stored.push(...names);
      return `${created}/${UPLOADS} 201; exit ${exit.code} after ${exit.ms} ms`;
    });
  });

  it('past the shutdown timeout: cut uploads leave nothing, acknowledged ones are stored', async () => {
    await scenario(app.name, 'SIGTERM, uploads past timeout', async () => {
      running = await startApp(app, env(500), { migrate: false });
      // Each upload would take about 3 s: the 500 ms timeout cuts them.
      const { names, results, exit } = await uploadsThenSigterm(running, temp.dir, 'past', 500);
      expect(exit.code).toBe(0);
      expect(exit.ms, 'exits soon after the timeout').toBeLessThan(500 + 6_000);
      const cutLine = running
        .logLines()
        .find((l) => String(l.msg).startsWith('shutdown timeout: cutting'));
      expect(cutLine, 'a log line names the cut requests').toBeDefined();
      const acknowledged = names.filter((_, i) => results[i]?.status === 201);
      const disk = await filesOnDisk(temp.dir);
      expect(disk.temps, 'no .part file left').toEqual([]);
      // Restart to read the rows as a client would.
      running = await startApp(app, env(500), { migrate: false });
      const listed = await listFilenames(running.url);
      for (const name of [...stored, ...acknowledged]) expect(listed).toContain(name);
      const cut = names.filter((n) => !acknowledged.includes(n));
      for (const name of cut) expect(listed).not.toContain(name);
      expect(disk.objects, 'one object per row').toBe(listed.length);
      return `${acknowledged.length} 201, ${cut.length} cut (log names ${String(cutLine?.count)}); exit ${exit.code} after ${exit.ms} ms; rows = objects = ${listed.length}; .part left: 0`;
    });
  });
});
