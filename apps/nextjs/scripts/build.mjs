// `npm run build`: `next build` (the pages, the route handlers and instrumentation, with
// app-core, into .next; the traced standalone server into .next/standalone), then tsc for
// the custom server and the release command (dist/server.js, dist/migrate.js). Nothing
// here reaches a database, storage or the network: no page is prerendered (they are all
// dynamic), no font is downloaded, and telemetry is off.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: appDir,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(require.resolve('next/dist/bin/next'), ['build']);
run(join(appDir, 'node_modules/typescript/bin/tsc'), ['-p', 'tsconfig.build.json']);
