// `npm start` (scripts/start.mjs) at the repository root, which runs this sample, plus the
// shared startup and release-command suite from @divio-samples/app-testkit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defineStartSuite,
  freePort,
  type RunningProcess,
  runNode,
  waitForOk,
} from '@divio-samples/app-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from './subject.ts';

const repoRoot = join(app.appDir, '..', '..');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'express-start-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('npm start (scripts/start.mjs)', () => {
  let proc: RunningProcess | undefined;
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });

  it('builds, migrates a fresh SQLite file and serves the page and the API', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Same script a developer runs; only the port and the data location are redirected.
    proc = runNode([join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        STAGE: undefined,
        SECURE_SSL_REDIRECT: undefined,
        DATABASE_URL: `sqlite:///${join(scratch, 'start', 'db.sqlite3')}`,
        DEFAULT_STORAGE_DSN: `file://${join(scratch, 'start', 'media')}/?url=%2Fmedia%2F`,
      },
    });
    await waitForOk(`${base}/healthz`, proc, 180_000);
    expect(proc.output()).toContain(`http://localhost:${port}`);

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const info = (await (await fetch(`${base}/api/info`)).json()) as Record<string, string>;
    expect(info).toMatchObject({
      framework: 'express',
      stage: 'local',
      database: 'better-sqlite3',
      storage: 'file',
    });

    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const created = await fetch(`${base}/api/media`, { method: 'POST', body: form });
    expect(created.status).toBe(201);

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('hello.txt');
    // No HTTPS redirect locally, and localhost is an allowed host.
    const viaLocalhost = await fetch(`http://localhost:${port}/api/info`);
    expect(viaLocalhost.status).toBe(200);

    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(0);
  }, 240_000);
});

defineStartSuite(app);
