// `npm start` (scripts/start.mjs) and the release command, as real processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, freePort, type RunningProcess, repoRoot, runNode, waitForOk } from './process.js';

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

describe('node dist/server.js with nothing configured (STAGE=local)', () => {
  it('falls back to in-memory SQLite and ./data/media, migrates and serves', async () => {
    const port = await freePort();
    const proc = runNode([join(repoRoot, 'apps', 'express', 'dist', 'server.js')], {
      cwd: scratch,
      env: { ...baseEnv(), STAGE: 'local', PORT: String(port), SECURE_SSL_REDIRECT: 'False' },
    });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, proc);
      const form = new FormData();
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
      const created = await fetch(`http://127.0.0.1:${port}/api/media`, {
        method: 'POST',
        body: form,
      });
      expect(created.status).toBe(201);
    } finally {
      proc.child.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    }
  });
});

describe('node dist/server.js with a bad environment', () => {
  it('exits 1 naming the variable, never printing the secret', async () => {
    const proc = runNode(['dist/server.js'], {
      env: {
        ...baseEnv(),
        STAGE: 'live',
        SECRET_KEY: 'live-secret-value-that-must-never-be-printed-42',
        DOMAIN: 'example.com',
        DATABASE_URL: 'postgres://app:hunter2-password@db.example:5432/app',
        DEFAULT_STORAGE_DSN: 's3://KEY:SECRET@bucket.s3.eu-central-1.amazonaws.com/',
        MAX_UPLOAD_BYTES: 'lots',
      },
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expect(proc.output()).toContain('MAX_UPLOAD_BYTES');
    expect(proc.output()).not.toContain('hunter2-password');
    expect(proc.output()).not.toContain('live-secret-value');
  });

  it('refuses the in-memory database and local media in live', async () => {
    const proc = runNode(['dist/server.js'], {
      env: {
        ...baseEnv(),
        STAGE: 'live',
        SECRET_KEY: 'live-secret-value-that-must-never-be-printed-42',
        DOMAIN: 'example.com',
      },
    });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain('DATABASE_URL');
    expect(proc.output()).toContain('DEFAULT_STORAGE_DSN');
  });
});

describe('node dist/migrate.js (the release command)', () => {
  it('applies the migrations once, then reports the database up to date', async () => {
    const env = {
      ...baseEnv(),
      STAGE: 'test',
      SECRET_KEY: 'a-test-secret-key-for-the-migrate-test-0123',
      DATABASE_URL: `sqlite:///${join(scratch, 'migrate', 'db.sqlite3')}`,
    };
    const first = runNode(['dist/migrate.js'], { env });
    expect((await first.exited).code, first.output()).toBe(0);
    expect(first.output()).toContain('001-create-media');
    const second = runNode(['dist/migrate.js'], { env });
    expect((await second.exited).code, second.output()).toBe(0);
    expect(second.output()).toContain('up to date');
  });

  it('exits 1 naming the host (not the password) when the database is unreachable', async () => {
    const port = await freePort();
    const proc = runNode(['dist/migrate.js'], {
      env: {
        ...baseEnv(),
        STAGE: 'test',
        SECRET_KEY: 'a-test-secret-key-for-the-migrate-test-0123',
        DATABASE_URL: `postgres://app:hunter2-password@127.0.0.1:${port}/app`,
      },
    });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain(`127.0.0.1:${port}`);
    expect(proc.output()).not.toContain('hunter2-password');
  });
});
