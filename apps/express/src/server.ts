// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the app, listen on PORT (80 by default), shut down gracefully on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRuntime,
  installShutdown,
  migrateLatest,
  type Runtime,
  startupFailure,
} from '@divio-samples/app-core';
import { createApp } from './app.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

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
  logDestination?: Parameters<typeof createRuntime>[1]['logDestination'];
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: ListenOptions = {},
): Promise<StartedServer> {
  const runtime = createRuntime(env, {
    framework: 'express',
    version: pkg.version,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  try {
    // Migrations are the release command everywhere except on a developer's machine,
    // where `npm start` should just work on a fresh SQLite file.
    if (runtime.config.divio.stage === 'local') {
      const ran = await migrateLatest(runtime.knex);
      if (ran.length > 0) runtime.logger.info({ migrations: ran }, 'applied migrations');
    }
    const server = createServer(createApp(runtime));
    // Uploads of up to 500 MB over slow links: no overall request deadline, but headers
    // must arrive promptly and idle keep-alive sockets outlive typical proxy timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 65_000;
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

async function main(): Promise<void> {
  let started: StartedServer;
  try {
    started = await startServer();
  } catch (err) {
    startupFailure(err);
  }
  const { server, runtime, url } = started;
  runtime.logger.info(
    {
      url,
      stage: runtime.info.stage,
      database: runtime.info.database,
      storage: runtime.info.storage,
    },
    'listening',
  );
  installShutdown({
    server,
    timeoutMs: runtime.config.shutdownTimeoutMs,
    logger: runtime.logger,
    onShutdownStart: () => {
      runtime.shutdownState.shuttingDown = true;
    },
    closeResources: () => runtime.close(),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
