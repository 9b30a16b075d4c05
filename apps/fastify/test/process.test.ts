// The built app as Divio runs it: `node dist/migrate.js` (the release command), then
// `node dist/server.js`, JSON logs on stdout, SIGTERM -> exit 0; bad configuration -> exit 1
// with a message naming the variable.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { contractEnv, createClient } from '@divio-samples/contract-tests';
import { freePort, tempDir } from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/server.js', import.meta.url));

let dirs: Array<{ remove(): Promise<void> }> = [];
let env: Record<string, string>;
beforeAll(async () => {
  if (!built) throw new Error('dist/server.js is missing: run `npm run build` in apps/fastify');
  const data = await tempDir('fastify-process');
  dirs = [data];
  env = {
    PATH: process.env.PATH ?? '',
    ...contractEnv,
    DATABASE_URL: `sqlite:///${data.path}/app.db`,
    DEFAULT_STORAGE_DSN: `file://${data.path}/media/?url=%2Fmedia%2F`,
  };
});
afterAll(async () => {
  for (const dir of dirs) await dir.remove();
});

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the built app', () => {
  it('migrate.js: applies the migrations, then is a no-op (exit 0 both times)', async () => {
    const first = await run(process.execPath, ['dist/migrate.js'], { cwd: appDir, env });
    expect(first.stdout).toMatch(/applied \d+/);
    const second = await run(process.execPath, ['dist/migrate.js'], { cwd: appDir, env });
    expect(second.stdout).toMatch(/up to date/);
  });

  it('server.js: JSON log lines, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: appDir,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = exitOf(child);
    let stdout = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    try {
      for (let i = 0; i < 200 && !stdout.includes('"listening"'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(stdout).toContain('"listening"');
      const http = createClient(`http://127.0.0.1:${port}`);
      const res = await http.get('/api/info', { headers: { 'x-request-id': 'process-test-1' } });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ framework: 'fastify', stage: 'test' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.reqId === 'process-test-1')).toMatchObject({
      method: 'GET',
      url: '/api/info',
      status: 200,
    });
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'shutdown complete']),
    );
  });

  it('server.js with an invalid variable: exit 1, naming it, without the secret', async () => {
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: appDir,
      env: { ...env, PORT: '0', DATABASE_URL: 'redis://user:hunter2@cache:6379/0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    expect(await exitOf(child)).toBe(1);
    expect(output).toContain('DATABASE_URL');
    expect(output).not.toContain('hunter2');
  });

  it('migrate.js with an unreachable database: non-zero exit and a clear message', async () => {
    const port = await freePort();
    const result = await run(process.execPath, ['dist/migrate.js'], {
      cwd: appDir,
      env: { ...env, DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/app` },
    }).then(
      () => ({ code: 0, output: '' }),
      (err: { code: number; stdout: string; stderr: string }) => ({
        code: err.code,
        output: err.stdout + err.stderr,
      }),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Migrating the pg database "app" at 127\.0\.0\.1/);
    expect(result.output).not.toContain('s3cret');
  });
});
