// readDivioEnv: every section, every problem collected, one frozen result.
import { BOOLEAN_EXPECTED, toBoolean } from './boolean.js';
import { collectDatabase } from './database.js';
import { optional, parsePort } from './env.js';
import { Problems } from './errors.js';
import { collectSecurity, type WarningHandler } from './security.js';
import { collectStorage } from './storage/index.js';
import type { DivioEnv, EnvSource, GitInfo } from './types.js';

export interface ReadDivioEnvOptions {
  /** Base for relative storage paths and the default media directory (default `process.cwd()`). */
  cwd?: string;
  /** Receives warnings (generated SECRET_KEY, ...); default `console.warn`. Never given a secret. */
  onWarning?: WarningHandler;
}

export const DEFAULT_PORT = 80;

/**
 * Reads the whole Divio environment. Returns a deep-frozen `DivioEnv`, or throws one
 * `DivioEnvError` that lists every problem in every section.
 */
export function readDivioEnv(
  env: EnvSource = process.env,
  options: ReadDivioEnvOptions = {},
): DivioEnv {
  const problems = new Problems();

  let port = DEFAULT_PORT;
  const rawPort = optional(env, 'PORT');
  if (rawPort !== undefined) {
    const parsed = parsePort(rawPort.trim());
    if (parsed === undefined) problems.add('PORT', 'a port from 1 to 65535', rawPort, 'plain');
    else port = parsed;
  }

  const stage = optional(env, 'STAGE')?.trim().toLowerCase() || 'local';

  let debug = false;
  const rawDebug = optional(env, 'DEBUG');
  if (rawDebug !== undefined) {
    const parsed = toBoolean(rawDebug);
    if (parsed === undefined) problems.add('DEBUG', BOOLEAN_EXPECTED, rawDebug, 'plain');
    else debug = parsed;
  }

  const git: GitInfo = {};
  const branch = optional(env, 'GIT_BRANCH')?.trim();
  const commit = optional(env, 'GIT_COMMIT')?.trim();
  if (branch !== undefined) git.branch = branch;
  if (commit !== undefined) git.commit = commit;
  const siteName = optional(env, 'SITE_NAME')?.trim();

  const database = collectDatabase(env, problems);
  const storage = collectStorage(
    env,
    problems,
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  const securityOptions =
    options.onWarning === undefined ? { stage } : { stage, onWarning: options.onWarning };
  const security = collectSecurity(env, problems, securityOptions);

  problems.throwIfAny();
  // With no problems recorded, every section produced a value.
  const result: DivioEnv = {
    port,
    stage,
    debug,
    database: database as NonNullable<typeof database>,
    storage: storage as NonNullable<typeof storage>,
    security,
    git,
  };
  if (siteName !== undefined) result.siteName = siteName;
  return deepFreeze(result);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<string | symbol, unknown>)[key]);
    }
  }
  return value;
}
