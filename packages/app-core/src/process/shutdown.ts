// Graceful shutdown for a Node http.Server on SIGTERM/SIGINT: stop being ready, stop
// accepting, let in-flight requests finish (bounded), close idle keep-alive sockets, close
// the pools, exit 0. A second signal exits at once.
import type { Server } from 'node:http';
import type { Logger } from 'pino';

/** A request under way, as the shutdown log names it (no query string: it may hold tokens). */
export interface InFlightRequest {
  method: string;
  path: string;
  /** When it started (ms since the epoch). */
  since: number;
}

export interface ShutdownOptions {
  server: Server;
  /** How long in-flight requests may run before their sockets are closed. */
  timeoutMs: number;
  /** Runs first (mark not ready, so /readyz answers 503 while requests drain). */
  onShutdownStart?: () => void;
  /** Closes the database pool, storage clients, ... after the server closed. */
  closeResources: () => Promise<void>;
  logger: Pick<Logger, 'info' | 'error' | 'warn'>;
  signals?: readonly NodeJS.Signals[];
  /** The requests under way: those still running at the timeout are named in the log. */
  inFlight?: () => readonly InFlightRequest[];
  /** For tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Starts the shutdown as a signal would; resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal handlers. */
  dispose(): void;
}

export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const { server, timeoutMs, logger } = options;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | undefined;

  const shutdown = (reason: string): Promise<number> => {
    if (running) return running;
    running = (async () => {
      logger.info({ reason, timeoutMs }, 'shutting down');
      options.onShutdownStart?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => {
        const now = Date.now();
        const cut = (options.inFlight?.() ?? []).map((r) => ({
          method: r.method,
          path: r.path,
          ms: now - r.since,
        }));
        logger.warn(
          { timeoutMs, count: cut.length, requests: cut },
          'shutdown timeout: cutting the requests still running',
        );
        server.closeAllConnections();
      }, timeoutMs);
      force.unref();
      // Connections that finish a response while closing become idle: close them too.
      const idle = setInterval(() => server.closeIdleConnections(), 250);
      idle.unref();
      let code = 0;
      try {
        await closed;
      } finally {
        clearTimeout(force);
        clearInterval(idle);
      }
      try {
        await options.closeResources();
      } catch (err) {
        logger.error({ err }, 'closing resources failed');
        code = 1;
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
