#!/usr/bin/env node
// `npm run bench` (or `pnpm bench`): the benchmark suite, with nothing but Node and npm on
// the machine, like `npm start` and `npm test`:
//
//   1. on a Node older than the project's, re-run on Node 24 (fetched into the cache);
//      install the workspace from the frozen lockfile (first run only);
//   2. build the bench and everything it starts (every app, turbo, cached);
//   3. run tooling/bench with the arguments given (`npm run bench -- --help` lists them).
import { join } from 'node:path';
import { ensureInstalled, pnpm, root, run } from './lib/workspace.mjs';

ensureInstalled();
const built = pnpm([
  'exec',
  'turbo',
  'run',
  'build',
  '--filter=@divio-samples/bench...',
  '--output-logs=errors-only',
]);
if (built !== 0) process.exit(built);
process.exit(
  run(process.execPath, [
    join(root, 'tooling', 'bench', 'dist', 'cli.js'),
    ...process.argv.slice(2),
  ]),
);
