// Everything a sample app needs at run time, built from the environment in one call, so
// each app's server.ts is only: create the runtime, build the framework app, listen.

import type { EnvSource } from '@divio-samples/divio-env';
import type { MediaStorage } from '@divio-samples/media-storage';
import { createStorage } from '@divio-samples/media-storage';
import type { Knex } from 'knex';
import { mediaOrigins } from '../http/policy.js';
import { createKnex } from '../media/database.js';
import { MediaService } from '../media/service.js';
import { type AppConfig, loadConfig } from './config.js';
import { type Readiness, readiness, type ShutdownState } from './health.js';
import { createLogger, type Logger, type LoggerOptions } from './logs.js';

/** How long closing waits for cut uploads to remove their partial state. */
const UPLOAD_CLEANUP_MS = 5_000;

/** What `GET /api/info` answers. */
export interface AppInfo {
  framework: string;
  version: string;
  stage: string;
  /** The database client: `pg`, `mysql2` or `better-sqlite3`. */
  database: string;
  /** The storage backend: `s3`, `azure` or `file`. */
  storage: string;
  node: string;
}

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  knex: Knex;
  storage: MediaStorage;
  media: MediaService;
  shutdownState: ShutdownState;
  /** Origins of the object store, for the CSP's img-src/media-src. */
  mediaOrigins: readonly string[];
  info: AppInfo;
  readiness(): Promise<Readiness>;
  /** Closes the database pool and the storage clients (idempotent). */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** `express`, `koa`, `fastify`: reported by /api/info and on every log line. */
  framework: string;
  /** The app's version (its package.json). */
  version: string;
  /** Log destination override (tests). */
  logDestination?: LoggerOptions['destination'];
}

/**
 * Reads the configuration (rejecting with ConfigError on any problem), then creates the
 * logger, the knex pool (lazy: nothing connects yet) and the storage client (loading only
 * the configured backend's SDK).
 */
export async function createRuntime(env: EnvSource, options: RuntimeOptions): Promise<Runtime> {
  const warnings: string[] = [];
  const config = loadConfig(env, { onWarning: (message: string) => warnings.push(message) });
  const logger = createLogger({
    level: config.logLevel,
    base: { app: options.framework },
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  for (const message of warnings) logger.warn(message);

  const knex = createKnex(config.divio.database, {
    log: logger,
    timeoutMs: config.databaseTimeoutMs,
  });
  let storage: MediaStorage;
  try {
    storage = await createStorage(config.divio.storage);
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  const shutdownState: ShutdownState = { shuttingDown: false };
  const media = new MediaService({
    knex,
    storage,
    queryTimeoutMs: config.databaseTimeoutMs,
    onOrphan: (key, err) =>
      logger.error({ key, err }, 'could not delete an object after a failed upload'),
  });
  const info: AppInfo = Object.freeze({
    framework: options.framework,
    version: options.version,
    stage: config.divio.stage,
    database: config.divio.database.client,
    storage: config.divio.storage.backend,
    node: process.version,
  });

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    knex,
    storage,
    media,
    shutdownState,
    mediaOrigins: mediaOrigins(config.divio.storage),
    info,
    readiness: () => readiness({ knex, storage, shutdownState }),
    close() {
      closing ??= (async () => {
        // Uploads cut by the shutdown finish their cleanup while the pools are still open.
        await media.settle(UPLOAD_CLEANUP_MS);
        const results = await Promise.allSettled([knex.destroy(), storage.close()]);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })();
      return closing;
    },
  };
}
