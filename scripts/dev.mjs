#!/usr/bin/env node
// `npm run dev`: one sample app with the same local defaults as `npm start` (STAGE=local,
// PORT 8000, SQLite and media under apps/<app>/data; any variable set in the environment
// wins), recompiled on every change (tsc --watch) and restarted when its build changes
// (node --watch). Works on Node 20.19+, like `npm start`.
//
//   npm run dev                # in apps/<app>: that app
//   npm run dev -- koa         # at the root: the app named (default: express)
//
// (With Docker, docker-compose.yml's development command runs the TypeScript sources
// directly on the image's Node 24 instead; NestJS's runs its build, as decorators need tsc.)
import { basename, dirname, join, relative } from 'node:path';
import { appDir, buildApp, localEnv, runUntilExit } from './lib/local-app.mjs';
import { ensureInstalled, root } from './lib/workspace.mjs';

/** The app whose directory this runs in: npm and pnpm run a package's scripts there. */
function appOfWorkingDirectory() {
  const cwd = process.cwd();
  return relative(join(root, 'apps'), dirname(cwd)) === '' ? basename(cwd) : undefined;
}

const name = process.argv[2] ?? appOfWorkingDirectory() ?? 'express';
const dir = appDir(name);
ensureInstalled();
buildApp(name);
const env = localEnv(dir);
console.log(
  `> ${name} on http://localhost:${env.PORT}, restarting on every change (Ctrl+C to stop)`,
);
runUntilExit([
  [
    process.execPath,
    [
      join(dir, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--watch',
      '--preserveWatchOutput',
    ],
    { cwd: dir },
  ],
  [process.execPath, ['--watch', 'dist/server.js'], { cwd: dir, env }],
]);
