// One app's built server (`node dist/server.js`) as a real process: started with the
// contract's environment plus the cell's database and storage (after the release command
// ran), measured from outside (its RSS from /proc, its exit code, its log lines).
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@divio-samples/app-core';
import {
  baseEnv,
  freePort,
  type RunningProcess,
  runNode,
  waitForOk,
} from '@divio-samples/app-testkit';
import { contractEnv } from '@divio-samples/contract-tests';
import type { AppDir } from './apps.js';

/**
 * The timeouts the suite runs under: small, so each fault shows within a second or two.
 * The defaults (docs/contract.md, "Timeouts") are larger; the behaviour is the same.
 */
export const FAULT_TIMEOUTS = {
  DATABASE_TIMEOUT_MS: '1000',
  HEADERS_TIMEOUT_MS: '1500',
  IDLE_TIMEOUT_MS: '1500',
} as const;

export interface RunningApp {
  app: AppDir;
  url: string;
  pid: number;
  proc: RunningProcess;
  env: Record<string, string>;
  /** The JSON log lines printed so far, parsed (other lines skipped). */
  logLines(): Record<string, unknown>[];
  /** Resident set size in bytes, from /proc (Linux). */
  rssBytes(): Promise<number>;
  /** SIGTERM, and the exit code and time it took (SIGKILL after `killAfterMs`). */
  terminate(killAfterMs?: number): Promise<{ code: number | null; ms: number }>;
}

export function appEnv(
  databaseUrl: string,
  storageDsn: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...contractEnv,
    ...FAULT_TIMEOUTS,
    DATABASE_URL: databaseUrl,
    DEFAULT_STORAGE_DSN: storageDsn,
    ...extra,
  };
}

/** Runs the release command (in-process, as app-core's migrate.js does), then starts the app. */
export async function startApp(
  app: AppDir,
  env: Record<string, string>,
  options: { migrate?: boolean } = {},
): Promise<RunningApp> {
  if (options.migrate !== false) await runMigrations(env, () => {});
  const port = await freePort();
  const proc = runNode(['dist/server.js'], {
    cwd: app.dir,
    env: { ...baseEnv(), ...env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${url}/healthz`, proc, 60_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  const pid = proc.child.pid ?? 0;
  return {
    app,
    url,
    pid,
    proc,
    env,
    logLines() {
      const lines: Record<string, unknown>[] = [];
      for (const line of proc.output().split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a partial line at the end
        }
      }
      return lines;
    },
    async rssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (!kib) throw new Error(`no VmRSS for pid ${pid}`);
      return Number(kib) * 1024;
    },
    async terminate(killAfterMs = 30_000) {
      const started = Date.now();
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        return { code: proc.child.exitCode, ms: 0 };
      }
      proc.child.kill('SIGTERM');
      const force = setTimeout(() => proc.child.kill('SIGKILL'), killAfterMs);
      const { code } = await proc.exited;
      clearTimeout(force);
      return { code, ms: Date.now() - started };
    },
  };
}

/** GET (or another method) with a hard deadline; resolves with the status and time taken. */
export async function timed(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<{ status: number; ms: number; body: string }> {
  const started = Date.now();
  const { timeoutMs = 15_000, ...rest } = init;
  try {
    const res = await fetch(url, {
      ...rest,
      headers: { 'X-Forwarded-Proto': 'https', ...(rest.headers as Record<string, string>) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    return { status: res.status, ms: Date.now() - started, body };
  } catch {
    // No answer within the deadline (or the connection broke): status 0.
    return { status: 0, ms: Date.now() - started, body: '' };
  }
}

/** Polls until `check` passes (bounded); resolves with the time it took. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`not recovered within ${timeoutMs} ms`);
}

/** A temp directory for one app's SQLite file and media root, removed by `remove()`. */
export function scratch(name: string): {
  dir: string;
  databaseUrl: string;
  fileDsn: string;
  remove(): Promise<void>;
} {
  const dir = join(tmpdir(), `faults-${name}-${process.pid}-${Date.now()}`);
  return {
    dir: join(dir, 'media'),
    databaseUrl: `sqlite:///${join(dir, 'db.sqlite3')}`,
    fileDsn: `file://${join(dir, 'media')}/?url=%2Fmedia%2F`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
