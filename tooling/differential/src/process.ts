// Starts one app's built server the way the platform does: the release command first
// (`node dist/migrate.js`; STAGE=test never migrates at start), then `node dist/server.js`,
// both with the contract environment, SQLite and the file storage backend in a temp dir.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEnv } from '@divio-samples/contract-tests';
import type { AppDir } from './apps.js';
import type { AppTarget } from './types.js';

export interface StartedApp {
  target: AppTarget;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, exited };
}

async function waitForReady(url: string, exited: Promise<unknown>, timeoutMs: number) {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(gone ? `exited before ${url} answered` : `${url} not ready in ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  return exited.then(() => clearTimeout(force));
}

/** Migrates and starts `app`; resolves once `/readyz` answers 200. */
export async function startApp(app: AppDir, timeoutMs = 30_000): Promise<StartedApp> {
  const scratch = await mkdtemp(join(tmpdir(), `differential-${app.name}-`));
  const mediaDir = join(scratch, 'media');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    ...contractEnv,
    DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
    DEFAULT_STORAGE_DSN: `file://${mediaDir}/?url=%2Fmedia%2F`,
    PORT: String(port),
  };
  const cleanup = () => rm(scratch, { recursive: true, force: true });

  const [command, ...args] = app.release;
  if (command !== 'node') throw new Error(`${app.name}: release command must run node`);
  const release = run(args, app.dir, env);
  const code = await release.exited;
  if (code !== 0) {
    await cleanup();
    throw new Error(`${app.name}: release command exited ${code}:\n${release.output()}`);
  }

  const server = run(['dist/server.js'], app.dir, env);
  const stop = async () => {
    await stopChild(server.child, server.exited);
    await cleanup();
  };
  try {
    await waitForReady(`http://127.0.0.1:${port}/readyz`, server.exited, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`${app.name}: ${(err as Error).message}\n${server.output()}`);
  }
  return {
    target: {
      name: app.name,
      frameworkNames: [app.framework, app.name],
      host: '127.0.0.1',
      port,
      mediaDir,
    },
    output: server.output,
    stop,
  };
}
