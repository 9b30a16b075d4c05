// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the Fastify app, listen on PORT (80 by default), shut down gracefully on
// SIGTERM/SIGINT. Fastify owns its http.Server, so listening and closing go through
// `app.listen()` and `app.close()` rather than app-core's node-server.ts.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyServerTimeouts,
  createRuntime,
  type ListenOptions,
  migrateLatest,
  type StartedServer as NodeStartedServer,
  startupFailure,
} from '@divio-samples/app-core';
import { type App, createApp } from './app.ts';

export type { ListenOptions } from '@divio-samples/app-core';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export interface StartedServer extends NodeStartedServer {
  /** The Fastify instance; `close()` is `app.close()`. */
  app: App;
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: ListenOptions = {},
): Promise<StartedServer> {
  const runtime = createRuntime(env, {
    framework: 'fastify',
    version: pkg.version,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  let app: App | undefined;
  try {
    // Migrations are the release command everywhere except on a developer's machine,
    // where `npm start` should just work on a fresh SQLite file.
    if (runtime.config.divio.stage === 'local') {
      const ran = await migrateLatest(runtime.knex);
      if (ran.length > 0) runtime.logger.info({ migrations: ran }, 'applied migrations');
    }
    app = createApp(runtime);
    // Fastify creates the http.Server; the timeouts are the same for every app.
    applyServerTimeouts(app.server);
    await app.listen({
      port: options.port ?? runtime.config.divio.port,
      host: options.host ?? '0.0.0.0',
    });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const started = app;
    return {
      app: started,
      server: started.server,
      runtime,
      url: `http://${host}:${address.port}`,
      close: () => started.close(),
    };
  } catch (err) {
    // app.close() runs the onClose hook that closes the runtime.
    await (app ? app.close() : runtime.close()).catch(() => {});
    throw err;
  }
}

export interface ShutdownOptions {
  /** Default: SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** For tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Starts the shutdown as a signal would; resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * On SIGTERM/SIGINT: mark the instance not ready (/readyz answers 503, other requests on
 * kept-alive connections are shed), then `app.close()`: Fastify stops listening, closes
 * idle connections and waits for in-flight requests; its onClose hook closes the pool and
 * the storage clients. After SHUTDOWN_TIMEOUT_MS the remaining connections are cut. Exit 0
 * when everything closed, 1 otherwise; a second signal exits at once.
 */
export function handleShutdown(
  started: StartedServer,
  options: ShutdownOptions = {},
): ShutdownHandle {
  const { app, runtime } = started;
  const { logger, shutdownState } = runtime;
  const timeoutMs = runtime.config.shutdownTimeoutMs;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | undefined;

  const shutdown = (reason: string): Promise<number> => {
    running ??= (async () => {
      logger.info({ reason, timeoutMs }, 'shutting down');
      shutdownState.shuttingDown = true;
      const force = setTimeout(() => {
        logger.warn({ timeoutMs }, 'shutdown timeout: closing the remaining connections');
        app.server.closeAllConnections();
      }, timeoutMs);
      force.unref();
      // Connections whose last response went out while closing become idle: close them too.
      const idle = setInterval(() => app.server.closeIdleConnections(), 250);
      idle.unref();
      let code = 0;
      try {
        await app.close();
      } catch (err) {
        logger.error({ err }, 'closing failed');
        code = 1;
      } finally {
        clearTimeout(force);
        clearInterval(idle);
      }
      logger.info({ code }, 'shutdown complete');
      return code;
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    void shutdown(signal).then(exit);
  };
  for (const signal of signals) process.on(signal, onSignal);

  return {
    shutdown,
    dispose() {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}

async function main(): Promise<void> {
  let started: StartedServer;
  try {
    started = await startServer();
  } catch (err) {
    startupFailure(err);
  }
  const { runtime, url } = started;
  runtime.logger.info(
    {
      url,
      stage: runtime.info.stage,
      database: runtime.info.database,
      storage: runtime.info.storage,
    },
    'listening',
  );
  handleShutdown(started);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
