// SECRET_KEY, DOMAIN/DOMAIN_ALIASES/DOMAIN_REDIRECTS, SECURE_SSL_REDIRECT, TRUST_PROXY.
import { randomBytes } from 'node:crypto';
import { BOOLEAN_EXPECTED, toBoolean } from './boolean.js';
import { optional } from './env.js';
import { Problems } from './errors.js';
import { Secret } from './secret.js';
import type { EnvSource, SecurityConfig, Stage } from './types.js';

export type WarningHandler = (message: string) => void;

export interface ReadSecurityOptions {
  /** Defaults to `STAGE` from the environment (then `local`). */
  stage?: Stage;
  /** Where warnings go (default `console.warn`). Warnings never contain a secret. */
  onWarning?: WarningHandler;
}

/** Stages that must be configured fully: no generated key. */
export const STRICT_STAGES: ReadonlySet<string> = new Set(['test', 'live']);
/** Hosts allowed when none are configured outside test/live. */
export const LOCAL_HOSTS = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** A Host header's name part: `[v6]` or `name`, then an optional port (Django's check). */
const HOST_HEADER = /^([a-z0-9._-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:\d+)?$/;

/** Splits a comma-separated list: entries trimmed, empty ones dropped. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** The host name of a Host header value: port removed, lower case, trailing dot dropped. */
export function normalizeHost(host: string): string | undefined {
  const lower = host.trim().toLowerCase();
  const match = HOST_HEADER.exec(lower);
  if (!match?.[1]) return undefined;
  const name = match[1];
  return name.endsWith('.') && name.length > 1 ? name.slice(0, -1) : name;
}

export type HostMatcher = (host: string) => boolean;

/**
 * One allowed-host entry as a matcher:
 * - `*` (or a regex such as `.*`) allows every host;
 * - `.example.com` (Django's form) allows example.com and every subdomain;
 * - a plain name or IP literal (`example.com`, `127.0.0.1`, `[::1]`) matches exactly;
 * - anything else is a regular expression anchored at both ends (`127\.0\.0\.1`,
 *   `(www\.)?example\.com`, `.*`), case-insensitively.
 * Returns `undefined` when the entry is neither a name nor a valid pattern.
 */
export function hostMatcher(entry: string): HostMatcher | undefined {
  const lower = entry.toLowerCase();
  if (lower === '*') return () => true;
  if (/^\.[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(lower)) {
    const bare = lower.slice(1);
    return (host) => host === bare || host.endsWith(lower);
  }
  // A plain name or IP literal matches itself only: `127.0.0.1` is not a pattern for `127x0y0z1`.
  if (/^[a-z0-9._-]+$/.test(lower) || /^\[[0-9a-f:.]+\]$/.test(lower)) {
    return (host) => host === lower;
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${entry})$`, 'i');
  } catch {
    return undefined;
  }
  return (host) => host === lower || pattern.test(host);
}

export function readSecurity(
  env: EnvSource = process.env,
  options: ReadSecurityOptions = {},
): SecurityConfig {
  const problems = new Problems();
  const config = collectSecurity(env, problems, options);
  problems.throwIfAny();
  return config;
}

export function collectSecurity(
  env: EnvSource,
  problems: Problems,
  options: ReadSecurityOptions = {},
): SecurityConfig {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const stage = options.stage ?? (optional(env, 'STAGE')?.trim().toLowerCase() || 'local');
  const strict = STRICT_STAGES.has(stage);

  // SECRET_KEY: used as written (no trimming: it is a key).
  const rawKey = optional(env, 'SECRET_KEY');
  let secretKey: Secret;
  let secretKeyGenerated = false;
  if (rawKey !== undefined) {
    secretKey = new Secret(rawKey);
  } else {
    if (strict)
      problems.add(
        'SECRET_KEY',
        `a secret key (required when STAGE is ${stage})`,
        undefined,
        'secret',
      );
    secretKey = new Secret(randomBytes(32).toString('base64url'));
    secretKeyGenerated = true;
    if (!strict) {
      warn(
        `divio-env: SECRET_KEY is not set; using a random key for this process (STAGE=${stage}). ` +
          'Sessions and signatures will not survive a restart.',
      );
    }
  }

  // Hosts.
  const domain = optional(env, 'DOMAIN')?.trim();
  const aliases = splitList(optional(env, 'DOMAIN_ALIASES'));
  const redirects = splitList(optional(env, 'DOMAIN_REDIRECTS'));
  const matchers: HostMatcher[] = [];
  const check = (variable: string, entry: string, patterns: boolean) => {
    const nameLike = /^[A-Za-z0-9._-]+$/.test(entry) || /^\[[0-9A-Fa-f:.]+\]$/.test(entry);
    // `localhost:8000` is a valid pattern that could never match (ports are stripped first).
    const withPort = /^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):\d+$/.test(entry);
    const matcher = !withPort && (patterns || nameLike) ? hostMatcher(entry) : undefined;
    if (matcher === undefined) {
      problems.add(
        variable,
        patterns
          ? 'comma-separated host names or patterns without ports (".example.com", "127\\.0\\.0\\.1", ".*"; "*.example.com" is not a valid pattern)'
          : 'a host name such as example.com (no scheme, port or path)',
        entry,
        'plain',
      );
      return;
    }
    matchers.push(matcher);
  };
  if (domain !== undefined) check('DOMAIN', domain, false);
  for (const alias of aliases) check('DOMAIN_ALIASES', alias, true);
  for (const redirect of redirects) check('DOMAIN_REDIRECTS', redirect, true);

  let allowedHosts = [...new Set([...(domain ? [domain] : []), ...aliases, ...redirects])];
  if (allowedHosts.length === 0) {
    if (strict) {
      allowedHosts = ['*'];
      matchers.push(() => true);
      warn(
        `divio-env: DOMAIN and DOMAIN_ALIASES are not set (STAGE=${stage}); every Host is allowed.`,
      );
    } else {
      allowedHosts = [...LOCAL_HOSTS];
      for (const host of LOCAL_HOSTS) matchers.push((h) => h === host);
    }
  }

  // SECURE_SSL_REDIRECT: Divio's rule is "on unless the literal value False".
  const sslValue = optional(env, 'SECURE_SSL_REDIRECT')?.trim();
  const sslRedirect = sslValue !== 'False';
  if (sslValue !== undefined && sslValue !== 'False' && toBoolean(sslValue) === false) {
    warn(
      `divio-env: SECURE_SSL_REDIRECT=${sslValue} keeps the redirect ON; only the literal "False" turns it off.`,
    );
  }

  // TRUST_PROXY: Divio's containers always sit behind the platform's proxy.
  let trustProxy = true;
  const trustValue = optional(env, 'TRUST_PROXY');
  if (trustValue !== undefined) {
    const parsed = toBoolean(trustValue);
    if (parsed === undefined) problems.add('TRUST_PROXY', BOOLEAN_EXPECTED, trustValue, 'plain');
    else trustProxy = parsed;
  }

  const frozenMatchers = Object.freeze(matchers);
  const config: SecurityConfig = {
    secretKey,
    secretKeyGenerated,
    allowedHosts: Object.freeze(allowedHosts),
    redirectHosts: Object.freeze(redirects),
    sslRedirect,
    trustProxy,
    isAllowedHost(host: string | undefined): boolean {
      if (typeof host !== 'string' || host === '') return false;
      const name = normalizeHost(host);
      if (name === undefined) return false;
      return frozenMatchers.some((match) => match(name));
    },
  };
  if (domain !== undefined) config.domain = domain;
  return config;
}
