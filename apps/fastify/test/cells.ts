// Starts the app in-process for one contract cell (database x storage), with its own
// database, storage emulator and temp directories; `stop()` removes all of it.
import { Writable } from 'node:stream';
import { type ContractTarget, contractEnv } from '@divio-samples/contract-tests';
import {
  createTempDatabase,
  requireMysql,
  requirePostgres,
  startAzurite,
  startS3rver,
  tempDir,
} from '@divio-samples/test-support';
import { migrate } from '../src/migrate.js';
import { type StartedServer, startServer } from '../src/server.js';

export type CellDatabase = 'sqlite' | 'pg' | 'mysql';
export type CellStorage = 'file' | 's3' | 'azure';

export interface Cell {
  target: ContractTarget;
  started: StartedServer;
  env: Record<string, string>;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** False (with the test-support skip message, or a throw under CI) when the database is missing. */
export function databaseAvailable(database: CellDatabase): Promise<boolean> {
  if (database === 'pg') return requirePostgres();
  if (database === 'mysql') return requireMysql();
  return Promise.resolve(true);
}

/** A stream that collects pino's JSON lines. */
export function logCollector(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        newline = pending.indexOf('\n');
      }
      callback();
    },
  });
  return { stream, lines };
}

export async function startCell(
  database: CellDatabase,
  storage: CellStorage,
  extraEnv: Record<string, string> = {},
): Promise<Cell> {
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    let databaseUrl: string;
    if (database === 'sqlite') {
      const dir = await tempDir('fastify-db');
      cleanups.push(dir.remove);
      databaseUrl = `sqlite:///${dir.path}/app.db`;
    } else {
      const db = await createTempDatabase(database);
      cleanups.push(db.drop);
      databaseUrl = db.url;
    }

    let storageDsn: string;
    let mediaRoot: string | undefined;
    if (storage === 'file') {
      const dir = await tempDir('fastify-media');
      cleanups.push(dir.remove);
      mediaRoot = dir.path;
      storageDsn = `file://${dir.path}/?url=%2Fmedia%2F`;
    } else if (storage === 's3') {
      const s3 = await startS3rver();
      cleanups.push(s3.stop);
      storageDsn = s3.dsn();
    } else {
      const azurite = await startAzurite();
      cleanups.push(azurite.stop);
      storageDsn = azurite.dsn();
    }

    const env: Record<string, string> = {
      ...contractEnv,
      DATABASE_URL: databaseUrl,
      DEFAULT_STORAGE_DSN: storageDsn,
      ...extraEnv,
    };
    await migrate(env, () => {});
    const logs = logCollector();
    const started = await startServer(env, {
      port: 0,
      host: '127.0.0.1',
      logDestination: logs.stream,
    });
    cleanups.push(() => started.close());
    const target: ContractTarget = {
      baseUrl: started.url,
      framework: 'fastify',
      database: started.runtime.info.database as ContractTarget['database'],
      storage,
      ...(mediaRoot ? { mediaRoot } : {}),
    };
    return { target, started, env, logs: logs.lines, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
