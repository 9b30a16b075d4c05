#!/usr/bin/env node
// `npm start`: the Express sample on http://localhost:8000 with nothing but Node and npm.
//
//   1. install the workspace from the frozen lockfile (first run only);
//   2. build the Express app and the packages it depends on (turbo, cached);
//   3. run `node apps/express/dist/server.js` in the `local` stage: SQLite in
//      apps/express/data/db.sqlite3 and uploads in apps/express/data/media (both
//      git-ignored), migrations applied at startup, no HTTPS redirect.
//
// Any variable already set in the environment wins (PORT=9000 npm start, DATABASE_URL=...).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureInstalled, pnpm, root } from './lib/workspace.mjs';

ensureInstalled();
console.log('> building the Express app (turbo run build --filter=@divio-samples/express...)');
const built = pnpm([
  'exec',
  'turbo',
  'run',
  'build',
  '--filter=@divio-samples/express...',
  '--output-logs=errors-only',
]);
if (built !== 0) process.exit(built);

const app = join(root, 'apps', 'express');
const data = join(app, 'data');
const env = {
  STAGE: 'local',
  PORT: '8000',
  DATABASE_URL: `sqlite:///${join(data, 'db.sqlite3')}`,
  DEFAULT_STORAGE_DSN: `file://${join(data, 'media')}/?url=%2Fmedia%2F`,
  DOMAIN_ALIASES: 'localhost, 127.0.0.1, 0.0.0.0',
  SECURE_SSL_REDIRECT: 'False',
  ...process.env,
};
console.log(`> starting on http://localhost:${env.PORT} (Ctrl+C to stop)`);
const server = spawn(process.execPath, ['dist/server.js'], { cwd: app, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
