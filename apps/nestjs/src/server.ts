// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the Nest app, listen on PORT (80 by default), shut down gracefully on
// SIGTERM/SIGINT. Listening and shutting down are app-core's `serve` and `runServer`, the
// same as in every app: Nest, once initialised, hands over its Express instance as the
// request listener, and `app.close()` (Nest's shutdown hooks: onModuleDestroy,
// beforeApplicationShutdown, onApplicationShutdown) runs in the shared close path, after
// the server has drained.
//
// Not `app.enableShutdownHooks()`: app-core already listens for the signals, and does what
// Nest's listener does not (readiness 503 first, Connection: close while draining, the
// SHUTDOWN_TIMEOUT_MS bound, a second signal exits at once). Nest's listener would call
// `app.close()` at once, closing the pools under requests still running, then send the
// signal again, which app-core takes for the second one (exit 1). README.md, "Shutdown".
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
      const app = await createApp(runtime);
      return {
        listener: app.getHttpAdapter().getInstance(),
        close: () => app.close(),
      };
    },
    env,
    { framework: 'nestjs', version: pkg.version, ...options },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runServer(() => startServer());
}
