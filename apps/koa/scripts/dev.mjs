// `npm run dev`: recompile on change (tsc --watch) and restart the server when dist changes
// (node --watch). Same defaults as `npm start` at the root (STAGE=local, PORT 8000, SQLite
// and media under ./data); any variable set in the environment wins.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(app, 'data');
const env = {
  STAGE: 'local',
  PORT: '8000',
  DATABASE_URL: `sqlite:///${join(data, 'db.sqlite3')}`,
  DEFAULT_STORAGE_DSN: `file://${join(data, 'media')}/?url=%2Fmedia%2F`,
  SECURE_SSL_REDIRECT: 'False',
  ...process.env,
};
const children = [
  spawn(
    process.execPath,
    [
      join(app, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--watch',
      '--preserveWatchOutput',
    ],
    { cwd: app, stdio: 'inherit' },
  ),
  spawn(process.execPath, ['--watch', 'dist/server.js'], {
    cwd: app,
    stdio: 'inherit',
    env,
  }),
];
const stop = (signal) => {
  for (const child of children) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) child.on('exit', (code) => (process.exitCode ||= code ?? 0));
