// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the Fastify app, listen on PORT (80 by default), shut down gracefully on
// SIGTERM/SIGINT. Listening and shutting down are app-core's `serve` and `runServer`, the
// same as in every app: Fastify, once ready, hands over its router (`app.routing`) as the
// request listener, and `app.close()` (its onClose hooks) runs in the shared close path,
// after the server stopped and before the pool and storage clients close.
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
  return serve(
    async (runtime) => {
      const app = createApp(runtime);
      await app.ready();
      return { listener: app.routing, close: () => app.close() };
    },
    env,
    { framework: 'fastify', version: pkg.version, ...options },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runServer(() => startServer());
}
