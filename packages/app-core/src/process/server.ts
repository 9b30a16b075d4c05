// Serving an app on Node's own http.Server, the same for every framework: Express's app and
// Koa's `app.callback()` are request listeners; Fastify hands over its router
// (`app.routing`, after `app.ready()`) and `app.close()`, which runs its onClose hooks. This
// module builds the runtime, applies migrations in the `local` stage, listens, and shuts
// down: one path for every app.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvSource } from '@divio-samples/divio-env';
import { FileStorage } from '@divio-samples/media-storage';
import { clientErrorHandler, idleTimeoutHandler } from '../http/client-error.js';
import { mustClose } from '../http/connection.js';
import { pathOf } from '../http/policy.js';
import { migrateLatest } from '../media/database.js';
import { type AppConfig, startupFailure } from './config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import { type InFlightRequest, installShutdown, type ShutdownHandle } from './shutdown.js';

/** What an app gives the server: a request listener, or one with a close step of its own. */
export type ServedApp = RequestListener | { listener: RequestListener; close(): Promise<void> };

export interface StartedServer {
  server: Server;
  runtime: Runtime;
  /** `http://HOST:PORT` as bound (with the real port when 0 was asked for). */
  url: string;
  /**
   * Marks the instance as shutting down: `/readyz` answers 503, and every response whose
   * headers are not sent yet (requests in flight, and requests that still arrive) carries
   * `Connection: close`.
   */
  beginShutdown(): void;
  /** The requests under way (method, path without the query, start time). */
  inFlight(): InFlightRequest[];
  /** Closes the app (its own close step), then the database pool and the storage clients. */
  closeResources(): Promise<void>;
  /** Stops at once (tests): closes every connection, then the resources. */
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

export interface ServeOptions extends ListenOptions {
  /** `express`, `koa`, ...: reported by /api/info and on every log line. */
  framework: string;
  /** The app's version (its package.json). */
  version: string;
}

/**
 * The timeouts a server behind Divio's proxy needs. Uploads of up to 500 MB over slow
 * links: no overall request deadline (`requestTimeout` 0), but headers must arrive within
 * HEADERS_TIMEOUT_MS (Node answers 408 through the `clientError` handler), a request may not
 * stay silent longer than IDLE_TIMEOUT_MS (408 from `idleTimeoutHandler`), and idle
 * keep-alive sockets outlive the proxy's own idle timeout (so the proxy, not the app,
 * closes them).
 */
function applyServerTimeouts(server: Server, config: AppConfig): void {
  server.requestTimeout = 0;
  server.headersTimeout = config.headersTimeoutMs;
  server.keepAliveTimeout = Math.max(65_000, config.idleTimeoutMs);
  server.timeout = config.idleTimeoutMs;
}

/**
 * How often Node checks `headersTimeout` (its default, 30 s, would let a 10 s limit run
 * to 40 s): a tenth of the limit, between 100 ms and 1 s.
 */
const checkingInterval = (headersTimeoutMs: number): number =>
  Math.min(1000, Math.max(100, Math.floor(headersTimeoutMs / 10)));

/**
 * The connection rule (app-core's `mustClose`), applied to every response of every framework
 * at the one moment they all pass: just before the headers go out (`writeHead`, which Node
 * also calls for implicit headers). On the instance, not a ServerResponse subclass: Express
 * swaps the prototype of every response for its own.
 */
function closeWhenDue(res: ServerResponse, due: (status: number) => boolean): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const status = typeof args[0] === 'number' ? args[0] : this.statusCode;
    if (!this.headersSent && due(status)) this.setHeader('Connection', 'close');
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Creates the runtime from `env`, migrates in the `local` stage (so `npm start` works on a
 * fresh SQLite file; everywhere else migrations are the release command), builds the app
 * with `createApp(runtime)` and listens. On any failure everything is closed again and the
 * error is thrown (a ConfigError names the bad variable).
 */
export async function serve(
  createApp: (runtime: Runtime) => ServedApp | Promise<ServedApp>,
  env: EnvSource,
  options: ServeOptions,
): Promise<StartedServer> {
  const runtime = await createRuntime(env, {
    framework: options.framework,
    version: options.version,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  let closeApp: (() => Promise<void>) | undefined;
  let closing: Promise<void> | undefined;
  const closeResources = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await closeApp?.();
      } finally {
        await runtime.close();
      }
    })();
    return closing;
  };

  try {
    if (runtime.storage instanceof FileStorage) {
      const removed = await runtime.storage.removeStaleTemps();
      if (removed > 0) runtime.logger.warn({ removed }, 'removed stale upload temp files');
    }
    if (runtime.config.divio.stage === 'local') {
      const ran = await migrateLatest(runtime.knex);
      if (ran.length > 0) runtime.logger.info({ migrations: ran }, 'applied migrations');
    }
    const app = await createApp(runtime);
    const listener = typeof app === 'function' ? app : app.listener;
    if (typeof app !== 'function') closeApp = () => app.close();

    const { shutdownState, config, logger } = runtime;
    const inFlight = new Set<InFlightRequest>();
    const served = new WeakSet<object>();
    const { security } = config.divio;
    const server = createServer(
      // Without Host the request still reaches the app: the probes answer, everything
      // else is the app's own `400 bad_host` (Node's default would be a bare 400).
      {
        requireHostHeader: false,
        connectionsCheckingInterval: checkingInterval(runtime.config.headersTimeoutMs),
      },
      (req, res) => {
        served.add(req.socket);
        const entry = { method: req.method ?? '', path: pathOf(req.url), since: Date.now() };
        inFlight.add(entry);
        res.once('close', () => inFlight.delete(entry));
        closeWhenDue(res, (status) => mustClose(req, status, shutdownState.shuttingDown));
        listener(req, res);
      },
    );
    server.on(
      'clientError',
      clientErrorHandler({ security, mediaOrigins: runtime.mediaOrigins, logger }),
    );
    server.on(
      'timeout',
      idleTimeoutHandler({
        security,
        mediaOrigins: runtime.mediaOrigins,
        logger,
        served: (socket) => served.has(socket),
      }),
    );
    applyServerTimeouts(server, config);
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
      inFlight: () => [...inFlight],
      beginShutdown() {
        shutdownState.shuttingDown = true;
      },
      closeResources,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await closeResources();
      },
    };
  } catch (err) {
    await closeResources().catch(() => {});
    throw err;
  }
}

/**
 * Graceful shutdown of a started server on SIGTERM/SIGINT (see `installShutdown`): not
 * ready first, stop accepting, let in-flight requests finish (bounded by
 * SHUTDOWN_TIMEOUT_MS), then close the app and the pools; exit 0. `signals` and `exit` are
 * for tests.
 */
export function handleShutdown(
  started: StartedServer,
  options: { signals?: readonly NodeJS.Signals[]; exit?: (code: number) => void } = {},
): ShutdownHandle {
  const { runtime } = started;
  return installShutdown({
    server: started.server,
    timeoutMs: runtime.config.shutdownTimeoutMs,
    logger: runtime.logger,
    onShutdownStart: () => started.beginShutdown(),
    closeResources: () => started.closeResources(),
    inFlight: () => started.inFlight(),
    ...options,
  });
}

/**
 * The process entry point (`node dist/server.js`): on a startup error, print it (naming
 * the variable, never a secret) and exit 1; otherwise log where it listens and shut down
 * gracefully on SIGTERM/SIGINT.
 */
export async function runServer(start: () => Promise<StartedServer>): Promise<ShutdownHandle> {
  let started: StartedServer;
  try {
    started = await start();
  } catch (err) {
    startupFailure(err);
  }
  const { info, logger } = started.runtime;
  logger.info(
    { url: started.url, stage: info.stage, database: info.database, storage: info.storage },
    'listening',
  );
  return handleShutdown(started);
}
