// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the Express app, listen on PORT (80 by default), shut down gracefully on
// SIGTERM/SIGINT. Listening and shutting down are app-core's `serve` and `runServer`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ListenOptions, runServer, type StartedServer, serve } from '@divio-samples/app-core';
import { createApp } from './app.ts';

export type { ListenOptions, StartedServer } from '@divio-samples/app-core';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Starts the app on `options.port` (default PORT); for tests and for `runServer`. */
export function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: ListenOptions = {},
): Promise<StartedServer> {
  // An Express app is a Node request listener.
  return serve((runtime) => createApp(runtime), env, {
    framework: 'express',
    version: pkg.version,
    ...options,
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runServer(() => startServer());
}
