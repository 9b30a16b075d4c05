// The release command (`node dist/migrate.js`): brings the database schema up to date.
// Divio runs it in a fresh container of the new image before switching traffic; a
// non-zero exit (unreachable database, failed migration) fails the deploy.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations, startupFailure } from '@divio-samples/app-core';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await runMigrations();
  } catch (err) {
    startupFailure(err);
  }
}
