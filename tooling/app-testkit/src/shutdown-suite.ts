// Graceful shutdown of the real process (`node dist/server.js`): SIGTERM while an upload is
// in flight, and a second signal.

import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, freePort, type RunningProcess, runNode, waitForOk } from './process.js';
import type { AppUnderTest } from './types.js';

/** Needs the app built (`dist/server.js`); the turbo `test` task builds first. */
export function defineShutdownSuite(app: Pick<AppUnderTest, 'framework' | 'appDir'>): void {
  describe('SIGTERM (node dist/server.js)', () => {
    let scratch: string;
    let proc: RunningProcess | undefined;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), `${app.framework}-shutdown-`));
    });
    afterAll(async () => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await rm(scratch, { recursive: true, force: true });
    });

    it('finishes the in-flight upload, refuses new work, closes and exits 0', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      proc = runNode(['dist/server.js'], {
        cwd: app.appDir,
        env: {
          ...baseEnv(),
          STAGE: 'local',
          PORT: String(port),
          DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
          DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
          SECURE_SSL_REDIRECT: 'False',
          SHUTDOWN_TIMEOUT_MS: '8000',
        },
      });
      await waitForOk(`${base}/readyz`, proc);

      // A slow multipart upload: the head and a first chunk now, the rest after SIGTERM.
      const boundary = 'shutdown-test-boundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\nContent-Type: text/plain\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      const upload = request(`${base}/api/media`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      const response = new Promise<{ status: number; body: string; connection?: string }>(
        (resolve, reject) => {
          upload.on('response', (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body,
                ...(res.headers.connection ? { connection: res.headers.connection } : {}),
              }),
            );
          });
          upload.on('error', reject);
        },
      );
      upload.write(head);
      upload.write('first half, ');
      await new Promise((r) => setTimeout(r, 300));

      proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));

      // New work is refused: the listener is closed (or, on a race, readiness says 503).
      const probe = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.status,
        (err: unknown) => (err instanceof Error ? err.name : 'error'),
      );
      expect([503, 'TypeError']).toContain(probe);
      expect(proc.child.exitCode).toBeNull();

      upload.end(`second half${tail}`);
      const result = await response;
      expect(result.status, result.body).toBe(201);
      expect(JSON.parse(result.body)).toMatchObject({ filename: 'slow.txt', size: 23 });
      // The now idle keep-alive socket is closed by the server, so the process can exit.

      const exit = await proc.exited;
      expect(exit, proc.output()).toEqual({ code: 0, signal: null });
      expect(proc.output()).toContain('shutdown complete');
    });

    it('a second signal exits at once with code 1', async () => {
      const port = await freePort();
      proc = runNode(['dist/server.js'], {
        cwd: app.appDir,
        env: {
          ...baseEnv(),
          STAGE: 'local',
          PORT: String(port),
          DATABASE_URL: 'sqlite://:memory:',
          DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media2')}/?url=%2Fmedia%2F`,
          SECURE_SSL_REDIRECT: 'False',
          SHUTDOWN_TIMEOUT_MS: '30000',
        },
      });
      await waitForOk(`http://127.0.0.1:${port}/healthz`, proc);
      // Hold a request open so the first SIGTERM cannot finish by itself.
      const hold = request(`http://127.0.0.1:${port}/api/media`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      });
      hold.on('error', () => {});
      hold.write('--x\r\n');
      await new Promise((r) => setTimeout(r, 300));
      proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      proc.child.kill('SIGTERM');
      const exit = await proc.exited;
      expect(exit.code, proc.output()).toBe(1);
      hold.destroy();
    });
  });
}
