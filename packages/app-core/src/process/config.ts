// Reads everything the app needs from the environment, once, at startup: the platform's
// variables through divio-env, plus the app's own settings. Any problem stops the process
// with one message that names every bad variable and never prints a secret.
import {
  type DivioEnv,
  DivioEnvError,
  type EnvSource,
  type ReadDivioEnvOptions,
  readDivioEnv,
} from '@divio-samples/divio-env';
import { redactMessage } from '../http/errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppSettings {
  /** MAX_UPLOAD_BYTES: the largest accepted upload (default 524288000, the platform's 500 MB). */
  maxUploadBytes: number;
  /** SHUTDOWN_TIMEOUT_MS: how long in-flight requests may take after SIGTERM (default 10000). */
  shutdownTimeoutMs: number;
  /** LOG_LEVEL: pino level (default `info`, `debug` when DEBUG is on). */
  logLevel: LogLevel;
  /**
   * DATABASE_TIMEOUT_MS: the longest a request waits for a pooled connection, a new
   * connection or one query (default 5000): a database that stops answering gives a 503
   * well before the platform's 30 s read timeout.
   */
  databaseTimeoutMs: number;
  /** HEADERS_TIMEOUT_MS: how long a client may take to send a request's headers (default 10000). */
  headersTimeoutMs: number;
  /**
   * IDLE_TIMEOUT_MS: how long a connection with a request in progress may stay silent in
   * both directions (default 30000). A body that trickles slower is cut off with 408; an
   * upload that moves at any steady speed is never cut, whatever its size.
   */
  idleTimeoutMs: number;
}

export interface AppConfig extends AppSettings {
  /** The platform environment as divio-env read it. */
  divio: DivioEnv;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 524_288_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** One configuration error listing every problem; safe to print (holds no secret). */
export class ConfigError extends Error {
  readonly variables: readonly string[];

  constructor(problems: readonly { variable: string; message: string }[]) {
    const lines = problems.map((p) => `  - ${p.variable}: ${p.message}`);
    super(
      [`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):`]
        .concat(lines)
        .join('\n'),
    );
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
  }
}

/** Empty strings count as unset (compose env files produce them for optional variables). */
function value(env: EnvSource, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function integer(
  env: EnvSource,
  name: string,
  fallback: number,
  min: number,
  problems: { variable: string; message: string }[],
): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    problems.push({
      variable: name,
      message: `expected a whole number >= ${min}; got ${JSON.stringify(raw)}`,
    });
    return fallback;
  }
  return Number(raw);
}

/**
 * The validated configuration. Throws ConfigError (listing every problem, divio-env's
 * included) when a variable is invalid, or when the `live` stage would run on the in-memory
 * database or the local file storage that divio-env falls back to when nothing is set.
 */
export function loadConfig(
  env: EnvSource = process.env,
  options: ReadDivioEnvOptions = {},
): AppConfig {
  const problems: { variable: string; message: string }[] = [];
  let divio: DivioEnv | undefined;
  try {
    divio = readDivioEnv(env, options);
  } catch (err) {
    if (!(err instanceof DivioEnvError)) throw err;
    for (const p of err.problems) {
      const got = p.value === undefined ? 'it is not set' : `got ${JSON.stringify(p.value)}`;
      problems.push({ variable: p.variable, message: `expected ${p.expected}; ${got}` });
    }
  }

  const maxUploadBytes = integer(env, 'MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1, problems);
  const shutdownTimeoutMs = integer(
    env,
    'SHUTDOWN_TIMEOUT_MS',
    DEFAULT_SHUTDOWN_TIMEOUT_MS,
    0,
    problems,
  );
  const databaseTimeoutMs = integer(
    env,
    'DATABASE_TIMEOUT_MS',
    DEFAULT_DATABASE_TIMEOUT_MS,
    1,
    problems,
  );
  const headersTimeoutMs = integer(
    env,
    'HEADERS_TIMEOUT_MS',
    DEFAULT_HEADERS_TIMEOUT_MS,
    1,
    problems,
  );
  const idleTimeoutMs = integer(env, 'IDLE_TIMEOUT_MS', DEFAULT_IDLE_TIMEOUT_MS, 1, problems);
  const levelRaw = value(env, 'LOG_LEVEL')?.toLowerCase();
  let logLevel: LogLevel = divio?.debug ? 'debug' : 'info';
  if (levelRaw !== undefined) {
    if ((LOG_LEVELS as readonly string[]).includes(levelRaw)) logLevel = levelRaw as LogLevel;
    else {
      problems.push({
        variable: 'LOG_LEVEL',
        message: `expected one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(levelRaw)}`,
      });
    }
  }

  if (divio?.stage === 'live') {
    if (divio.database.fallback) {
      problems.push({
        variable: 'DATABASE_URL',
        message:
          'the live stage needs a real database; it is not set (the in-memory fallback is for builds and local use only)',
      });
    }
    if (divio.storage.backend === 'file' && divio.storage.fallback) {
      problems.push({
        variable: 'DEFAULT_STORAGE_DSN',
        message:
          'the live stage needs an object store (s3:// or az://); it is not set (local files do not survive a container restart)',
      });
    }
  }

  if (problems.length > 0 || divio === undefined) throw new ConfigError(problems);
  return Object.freeze({
    divio,
    maxUploadBytes,
    shutdownTimeoutMs,
    logLevel,
    databaseTimeoutMs,
    headersTimeoutMs,
    idleTimeoutMs,
  });
}

/**
 * Prints why the process cannot start and exits with code 1. Configuration errors print
 * their own (secret-free) message; anything else prints its message with credentials
 * in URLs masked.
 */
export function startupFailure(err: unknown, write: (line: string) => void = console.error): never {
  const message = err instanceof Error ? err.message : String(err);
  write(`Startup failed: ${redactMessage(message)}`);
  process.exit(1);
}
