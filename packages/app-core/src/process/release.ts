// The release command every app ships as `node dist/migrate.js`: bring the database schema
// up to date. Divio runs it in a fresh container of the new image before switching traffic;
// a non-zero exit fails the deploy. Safe to run any number of times.
import type { DatabaseConfig, EnvSource } from '@divio-samples/divio-env';
import { createKnex, migrateLatest } from '../media/database.js';
import { loadConfig } from './config.js';

/** Where the database is, for messages: never the password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.client === 'better-sqlite3') {
    return database.inMemory ? 'SQLite (in memory)' : `SQLite file ${database.filename}`;
  }
  const where =
    database.socketPath ??
    `${database.host ?? 'localhost'}${database.port ? `:${database.port}` : ''}`;
  return `${database.client} database "${database.database ?? ''}" at ${where}`;
}

/**
 * Reads the configuration from `env`, applies the pending migrations and reports them
 * through `log`. Resolves with the names applied (empty when up to date); rejects with a
 * message naming the database (not its credentials) when it is unreachable.
 */
export async function runMigrations(
  env: EnvSource = process.env,
  log: (line: string) => void = console.log,
): Promise<string[]> {
  const config = loadConfig(env);
  const database = config.divio.database;
  const knex = createKnex(database);
  try {
    let ran: string[];
    try {
      ran = await migrateLatest(knex);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Migrating the ${describeDatabase(database)} failed: ${reason}`, {
        cause: err,
      });
    }
    if (ran.length === 0) log(`Migrations: ${describeDatabase(database)} is up to date.`);
    else {
      log(`Migrations: applied ${ran.length} to the ${describeDatabase(database)}:`);
      for (const name of ran) log(`  - ${name}`);
    }
    return ran;
  } finally {
    await knex.destroy();
  }
}
