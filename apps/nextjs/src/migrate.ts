// The release command (`node dist/migrate.js`): brings the database schema up to date.
// Divio runs it in a fresh container of the new image before switching traffic; a
// non-zero exit (unreachable database, failed migration) fails the deploy. app-core lives
// in Next's server bundle, so this loads Next (no server, no request) to reach it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareNext } from './server.ts';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { bridge } = await prepareNext();
  await bridge.migrate();
  process.exit(0);
}
