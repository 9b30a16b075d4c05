// Serving a request handler on Node's own http.Server: what every framework that hands out a
// `(req, res)` listener shares (Express's app, Koa's `app.callback()`). It builds the runtime
// from the environment, applies migrations in the `local` stage, listens, and closes it all
// again; `runNodeServer` is the process entry point around it (log, graceful shutdown).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvSource } from '@divio-samples/divio-env';
import { startupFailure } from './config.js';
import { migrateLatest } from './database.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import { installShutdown, type ShutdownHandle } from './shutdown.js';

export interface StartedServer {
  server: Server;
  runtime: Runtime;
  /** `http://HOST:PORT` as bound (with the real port when 0 was asked for). */
  url: string;
  /** Stops listening, closes every connection, the pool and the storage clients. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Default: PORT from the environment (80 when unset). */
  port?: number;
  /** Default: `0.0.0.0` (every interface: the container's port is published). */
  host?: string;
  /** Log destination override (tests). */
  logDestination?: RuntimeOptions['logDestination'];
}

export interface NodeServerOptions extends ListenOptions {
  /** `express`, `koa`, ...: reported by /api/info and on every log line. */
  framework: string;
  /** The app's version (its package.json). */
  version: string;
}

/**
 * Applies the timeouts a server behind Divio's proxy needs. Uploads of up to 500 MB over slow
 * links: no overall request deadline, but headers must arrive promptly, and idle keep-alive
 * sockets outlive the proxy's own idle timeout (so the proxy, not the app, closes them).
 */
export function applyServerTimeouts(server: Server): void {
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
}

/**
 * Creates the runtime from `env`, migrates in the `local` stage (so `npm start` works on a
 * fresh SQLite file; everywhere else migrations are the release command), builds the
 * handler with `createHandler(runtime)` and listens. On any failure the runtime is closed
 * again and the error is thrown (a ConfigError names the bad variable).
 */
export async function serveNodeHandler(
  createHandler: (runtime: Runtime) => RequestListener,
  env: EnvSource,
  options: NodeServerOptions,
): Promise<StartedServer> {
  const runtime = createRuntime(env, {
    framework: options.framework,
    version: options.version,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  try {
    if (runtime.config.divio.stage === 'local') {
      const ran = await migrateLatest(runtime.knex);
      if (ran.length > 0) runtime.logger.info({ migrations: ran }, 'applied migrations');
    }
    const server = createServer(createHandler(runtime));
    applyServerTimeouts(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? runtime.config.divio.port, options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      server,
      runtime,
      url: `http://${host}:${address.port}`,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await runtime.close();
      },
    };
  } catch (err) {
    await runtime.close().catch(() => {});
    throw err;
  }
}

/**
 * The process entry point around a started server: on a startup error, print it (naming
 * the variable, never a secret) and exit 1; otherwise log where it listens and shut down
 * gracefully on SIGTERM/SIGINT (readiness off, drain, close the pools, exit 0).
 */
export async function runNodeServer(start: () => Promise<StartedServer>): Promise<ShutdownHandle> {
  let started: StartedServer;
  try {
    started = await start();
  } catch (err) {
    startupFailure(err);
  }
  const { server, runtime, url } = started;
  const { info } = runtime;
  runtime.logger.info(
    { url, stage: info.stage, database: info.database, storage: info.storage },
    'listening',
  );
  return installShutdown({
    server,
    timeoutMs: runtime.config.shutdownTimeoutMs,
    logger: runtime.logger,
    onShutdownStart: () => {
      runtime.shutdownState.shuttingDown = true;
    },
    closeResources: () => runtime.close(),
  });
}
