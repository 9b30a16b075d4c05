// The release command (`node dist/migrate.js`): brings the database schema up to date.
// Divio runs it in a fresh container of the new image before switching traffic; a
// non-zero exit fails the deploy. Safe to run any number of times.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKnex, loadConfig, migrateLatest, startupFailure } from '@divio-samples/app-core';
import type { DatabaseConfig } from '@divio-samples/divio-env';

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

export async function migrate(
  env: NodeJS.ProcessEnv = process.env,
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await migrate();
  } catch (err) {
    startupFailure(err);
  }
}
