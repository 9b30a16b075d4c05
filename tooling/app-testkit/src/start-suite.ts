// The built server without configuration, with a bad one, and the release command
// (`node dist/migrate.js`), as real processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, freePort, runNode, waitForOk } from './process.js';
import type { AppUnderTest } from './types.js';

/** Needs the app built (`dist/server.js`, `dist/migrate.js`); the turbo `test` task builds first. */
export function defineStartSuite(app: Pick<AppUnderTest, 'framework' | 'appDir'>): void {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), `${app.framework}-start-`));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  describe('node dist/server.js with nothing configured (STAGE=local)', () => {
    it('falls back to in-memory SQLite and ./data/media, migrates and serves', async () => {
      const port = await freePort();
      const proc = runNode([join(app.appDir, 'dist', 'server.js')], {
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
        cwd: app.appDir,
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
        cwd: app.appDir,
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
      const first = runNode(['dist/migrate.js'], { cwd: app.appDir, env });
      expect((await first.exited).code, first.output()).toBe(0);
      expect(first.output()).toContain('001-create-media');
      const second = runNode(['dist/migrate.js'], { cwd: app.appDir, env });
      expect((await second.exited).code, second.output()).toBe(0);
      expect(second.output()).toContain('up to date');
    });

    it('exits 1 naming the host (not the password) when the database is unreachable', async () => {
      const port = await freePort();
      const proc = runNode(['dist/migrate.js'], {
        cwd: app.appDir,
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
}
