// Readiness: may this instance take traffic? Every check runs in parallel, each bounded
// by a timeout, and reports `{ ok, error? }` with credentials masked out of the error.
import type { MediaStorage } from '@divio-samples/media-storage';
import type { Knex } from 'knex';
import { redactMessage } from '../http/errors.js';
import { pendingMigrations, pingDatabase } from '../media/database.js';

export interface Check {
  ok: boolean;
  error?: string;
}

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: Check; migrations: Check; storage: Check; shutdown: Check };
}

/** Shared between the signal handler and the readiness probe. */
export interface ShutdownState {
  shuttingDown: boolean;
}

export interface ReadinessDeps {
  knex: Knex;
  storage: Pick<MediaStorage, 'check'>;
  shutdownState: ShutdownState;
  /** Per-check timeout (default 3000 ms, below typical probe timeouts). */
  timeoutMs?: number;
}

class CheckTimeout extends Error {}

async function run(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new CheckTimeout(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message || err.name : String(err);
    return { ok: false, error: redactMessage(message).slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 3000;
  const [database, migrations, storage] = await Promise.all([
    run(() => pingDatabase(deps.knex), timeoutMs),
    run(async () => {
      const pending = await pendingMigrations(deps.knex);
      if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
    }, timeoutMs),
    run(() => deps.storage.check(), timeoutMs),
  ]);
  const shutdown: Check = deps.shutdownState.shuttingDown
    ? { ok: false, error: 'shutting down' }
    : { ok: true };
  const checks = { database, migrations, storage, shutdown };
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? 'ok' : 'unavailable', checks };
}
