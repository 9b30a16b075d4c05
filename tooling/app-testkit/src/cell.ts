// One cell of the contract matrix: an app on a real database and storage backend, started
// in-process on 127.0.0.1 with the contract's environment, after the release command
// (migrations) ran exactly as on Divio.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@divio-samples/app-core';
import { type ContractTarget, contractEnv } from '@divio-samples/contract-tests';
import {
  createTempDatabase,
  requireMysql,
  requirePostgres,
  startAzurite,
  startS3rver,
} from '@divio-samples/test-support';
import { afterAll, beforeAll } from 'vitest';
import { startAppServer } from './built-server.js';
import type { AppUnderTest, ServerUnderTest } from './types.js';

export type CellDatabase = ContractTarget['database'];
export type CellStorage = ContractTarget['storage'];

/** Whether the cell's database is reachable (skips locally, fails under CI=true). */
export function databaseAvailable(database: CellDatabase): Promise<boolean> {
  if (database === 'pg') return requirePostgres();
  if (database === 'mysql2') return requireMysql();
  return Promise.resolve(true);
}

export interface Cell {
  target(): ContractTarget;
  /** The running server (after beforeAll). */
  started(): ServerUnderTest;
  env(): Record<string, string>;
  /** Everything the app logged so far (JSON lines), for the contract's log checks. */
  logs(): string;
}

/** Registers beforeAll/afterAll hooks that bring the cell up and tear it down again. */
export function useCell(
  app: Pick<AppUnderTest, 'framework' | 'appDir' | 'startServer'>,
  database: CellDatabase,
  storage: CellStorage,
): Cell {
  const cleanups: (() => Promise<void>)[] = [];
  let server: ServerUnderTest | undefined;
  let env: Record<string, string> = {};
  let mediaRoot: string | undefined;
  const logLines: string[] = [];

  beforeAll(async () => {
    const scratch = await mkdtemp(join(tmpdir(), `${app.framework}-${database}-${storage}-`));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));

    let databaseUrl: string;
    if (database === 'better-sqlite3') {
      databaseUrl = `sqlite:///${join(scratch, 'db.sqlite3')}`;
    } else {
      const temp = await createTempDatabase(database === 'pg' ? 'pg' : 'mysql');
      cleanups.push(() => temp.drop());
      databaseUrl = temp.url;
    }

    let storageDsn: string;
    if (storage === 'file') {
      mediaRoot = join(scratch, 'media');
      storageDsn = `file://${mediaRoot}/?url=%2Fmedia%2F`;
    } else if (storage === 's3') {
      const s3 = await startS3rver({ buckets: ['media'] });
      cleanups.push(() => s3.stop());
      storageDsn = s3.dsn('media');
    } else {
      const azurite = await startAzurite({ containers: ['media'] });
      cleanups.push(() => azurite.stop());
      storageDsn = azurite.dsn('media');
    }

    env = { ...contractEnv, DATABASE_URL: databaseUrl, DEFAULT_STORAGE_DSN: storageDsn };
    // The release command, as the platform runs it before the new version takes traffic.
    await runMigrations(env, () => {});
    server = await startAppServer(app, env, {
      port: 0,
      host: '127.0.0.1',
      logDestination: { write: (line: string) => logLines.push(line) },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  return {
    target: () => {
      if (!server) throw new Error('the cell did not start');
      return {
        baseUrl: server.url,
        framework: app.framework,
        database,
        storage,
        ...(mediaRoot ? { mediaRoot } : {}),
      };
    },
    started: () => {
      if (!server) throw new Error('the cell did not start');
      return server;
    },
    env: () => env,
    logs: () => logLines.join('\n'),
  };
}
