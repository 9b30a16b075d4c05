// Deciding whether a suite can run: skip with a plain message locally, fail under CI.
import { hostPort, isReachable, mysqlUrl, pgUrl } from './databases.js';

/** True when `CI` is `true` or `1`: every service must be present, skipping is an error. */
export function isCI(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

export interface ServiceRequirement {
  /** Human name: `PostgreSQL`, `MariaDB`, `Docker`. */
  name: string;
  /** Resolves true when the service is usable. */
  probe: () => Promise<boolean>;
  /** Where it was looked for (`127.0.0.1:5432`); never include credentials. */
  where?: string;
  /** How to point the suite elsewhere (`set PG_URL`). */
  hint?: string;
}

/**
 * Resolves true when the service answers. Otherwise prints
 * `skipped: PostgreSQL not reachable at 127.0.0.1:5432 (set PG_URL)` and resolves false,
 * so the suite can `describe.skipIf(!ok)`; under CI it throws that message instead.
 */
export async function requireService(requirement: ServiceRequirement): Promise<boolean> {
  let ok = false;
  try {
    ok = await requirement.probe();
  } catch {
    ok = false;
  }
  if (ok) return true;
  const where = requirement.where ? ` at ${requirement.where}` : '';
  const hint = requirement.hint ? ` (${requirement.hint})` : '';
  const message = `${requirement.name} not reachable${where}${hint}`;
  if (isCI()) throw new Error(`${message}: CI=true requires every service`);
  console.warn(`skipped: ${message}`);
  return false;
}

/** `requireService` for the PostgreSQL server of `PG_URL`. */
export function requirePostgres(url: string = pgUrl()): Promise<boolean> {
  return requireService({
    name: 'PostgreSQL',
    probe: () => isReachable(url),
    where: safeHostPort(url),
    hint: 'set PG_URL',
  });
}

/** `requireService` for the MySQL/MariaDB server of `MYSQL_URL`. */
export function requireMysql(url: string = mysqlUrl()): Promise<boolean> {
  return requireService({
    name: 'MySQL',
    probe: () => isReachable(url),
    where: safeHostPort(url),
    hint: 'set MYSQL_URL',
  });
}

function safeHostPort(url: string): string {
  try {
    return hostPort(url);
  } catch {
    return 'an unparsable URL';
  }
}
