// The database: a knex instance built from divio-env's config, and the migrations,
// defined in code (not discovered from files) so that they run the same from `src` in
// tests and from `dist` in the image, with no globbing and no file-extension guessing.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseConfig } from '@divio-samples/divio-env';
import knexFactory, { type Knex } from 'knex';
import { ConfigError } from '../process/config.js';
import { createMedia } from './migrations/001-create-media.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, in order. Names are permanent: they are recorded in `knex_migrations`. */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['001-create-media', createMedia],
];

class CodeMigrationSource implements Knex.MigrationSource<Migration> {
  getMigrations(): Promise<Migration[]> {
    return Promise.resolve(MIGRATIONS.map(([, m]) => m));
  }
  getMigrationName(migration: Migration): string {
    const entry = MIGRATIONS.find(([, m]) => m === migration);
    if (!entry) throw new Error('unknown migration');
    return entry[0];
  }
  getMigration(migration: Migration): Promise<Migration> {
    return Promise.resolve(migration);
  }
}

/** DATABASE_TIMEOUT_MS's default (app-core's config): well below the platform's 30 s. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5_000;

export const MIGRATIONS_TABLE = 'knex_migrations';

const migratorConfig = (): Knex.MigratorConfig => ({
  migrationSource: new CodeMigrationSource(),
  tableName: MIGRATIONS_TABLE,
});

/** Where knex's own warnings go (pino's logger fits; default: nowhere, errors are thrown). */
export interface KnexLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Whether knex can load the SQLite driver. knex requires its driver by name
 * (`require('better-sqlite3')`) from its own directory; better-sqlite3 is an optional
 * dependency that the production images leave out (`pnpm deploy --no-optional`): a cloud
 * environment has PostgreSQL or MySQL, and the driver is a native addon with binaries for
 * eight platforms. Resolving from knex's location asks exactly the question knex will.
 * `createRequire` comes from `process.getBuiltinModule`, not an import: a bundler (Next.js's
 * Turbopack) rewrites `createRequire(import.meta.url).resolve('knex')` into a module id of
 * its own, and the question would no longer be asked.
 */
function sqliteDriverAvailable(): boolean {
  try {
    const { createRequire } = process.getBuiltinModule('node:module');
    const knexMain = createRequire(import.meta.url).resolve('knex');
    createRequire(knexMain).resolve('better-sqlite3');
    return true;
  } catch {
    return false;
  }
}

/** The ConfigError for a SQLite database in a build without the SQLite driver. */
function noSqliteDriver(database: DatabaseConfig): ConfigError {
  const what = database.fallback
    ? 'it is not set, so the in-memory SQLite fallback applies'
    : 'it names a SQLite database';
  return new ConfigError([
    {
      variable: 'DATABASE_URL',
      message: `${what}, but this image has no SQLite driver (better-sqlite3 is not installed; production images carry only pg and mysql2): set a postgres:// or mysql:// URL`,
    },
  ]);
}

/**
 * A knex instance for the configured database. MySQL/MariaDB sessions use UTC so that
 * timestamps round-trip exactly; a SQLite file's directory is created if missing. Throws
 * ConfigError naming DATABASE_URL when it is SQLite and the driver is not installed. knex's
 * own console messages (such as "Acquire connection error", which repeats what the failed
 * query throws anyway) go to `options.log`, or nowhere.
 */
export function createKnex(
  database: DatabaseConfig,
  options: { log?: KnexLog; timeoutMs?: number } = {},
): Knex {
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const sink = options.log;
  const log = {
    warn: (message: unknown) => sink?.warn({ detail: String(message) }, 'knex warning'),
    error: (message: unknown) => sink?.error({ detail: String(message) }, 'knex error'),
    deprecate: (method: string, alternative: string) =>
      sink?.warn({ detail: `${method} is deprecated; use ${alternative}` }, 'knex deprecation'),
    debug: (message: unknown) => sink?.debug({ detail: String(message) }, 'knex debug'),
  };
  const config = database.knexConfig();
  if (config.client === 'better-sqlite3' && !sqliteDriverAvailable()) {
    throw noSqliteDriver(database);
  }
  const connection: Record<string, unknown> = { ...config.connection };
  if (config.client === 'mysql2') {
    connection.timezone ??= 'Z';
    connection.charset ??= 'utf8mb4';
    // Keep bigint sizes as numbers (they are far below 2^53).
    connection.supportBigNumbers ??= true;
    // A server that accepts TCP but never answers the handshake fails in bounded time.
    connection.connectTimeout ??= timeoutMs;
  }
  if (config.client === 'pg') {
    // node-postgres's own client-side timers: connecting, and each query (the driver then
    // drops the connection, so a hung socket is not handed out again).
    connection.connectionTimeoutMillis ??= timeoutMs;
    connection.query_timeout ??= timeoutMs;
  }
  if (config.client === 'better-sqlite3' && database.filename && !database.inMemory) {
    mkdirSync(dirname(database.filename), { recursive: true });
  }
  const pool =
    config.client === 'better-sqlite3' ? { min: 1, max: 1 } : { min: 0, max: 10, ...config.pool };
  return knexFactory({
    ...config,
    connection,
    // Waiting for a pooled connection is bounded like a query: a full or hung pool is a 503.
    acquireConnectionTimeout: timeoutMs,
    pool: { ...pool, acquireTimeoutMillis: timeoutMs },
    useNullAsDefault: config.client === 'better-sqlite3' ? true : config.useNullAsDefault,
    log,
  } as Knex.Config);
}

/** Applies pending migrations; returns the names that ran (empty when up to date). */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, names] = (await knex.migrate.latest(migratorConfig())) as [number, string[]];
  return names;
}

/** The names of migrations not applied yet (read from knex's `knex_migrations` table). */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const all = MIGRATIONS.map(([name]) => name);
  if (!(await knex.schema.hasTable(MIGRATIONS_TABLE))) return all;
  const rows: { name: string }[] = await knex(MIGRATIONS_TABLE).select('name');
  const done = new Set(rows.map((r) => r.name));
  return all.filter((name) => !done.has(name));
}

/** Reverts every migration (tests and local resets only). */
export async function migrateDown(knex: Knex): Promise<void> {
  await knex.migrate.rollback(migratorConfig(), true);
}

/** A `select 1`: resolves when the database answers. */
export async function pingDatabase(knex: Knex): Promise<void> {
  await knex.raw('select 1');
}
