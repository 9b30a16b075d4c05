// `npm run dev`: recompile on change (tsc --watch) and restart the server when dist changes
// (node --watch). Runs in the `local` stage unless STAGE says otherwise, on PORT 8000.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { STAGE: 'local', PORT: '8000', ...process.env };
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
  spawn(process.execPath, ['--watch-path=dist', 'dist/server.js'], {
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
