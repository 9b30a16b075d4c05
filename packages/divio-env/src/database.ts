// DATABASE_URL / <PREFIX>_DATABASE_DSN -> a decoded descriptor plus a ready knex config.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { optional, parsePort, percentDecode, queryOptions, SCHEME_RE, splitUrl } from './env.js';
import { Abandon, DivioEnvError, Problems, SENSITIVE_PARAM } from './errors.js';
import { Secret } from './secret.js';
import type {
  DatabaseClient,
  DatabaseConfig,
  DatabaseDescriptor,
  EnvSource,
  KnexConfig,
} from './types.js';

/** Scheme aliases (dj-database-url's names) and the knex client each one selects. */
export const DATABASE_SCHEMES: Readonly<Record<string, DatabaseClient>> = Object.freeze({
  postgres: 'pg',
  postgresql: 'pg',
  pgsql: 'pg',
  postgis: 'pg',
  mysql: 'mysql2',
  mysql2: 'mysql2',
  mariadb: 'mysql2',
  sqlite: 'better-sqlite3',
});

const URL_EXPECTED =
  'a database URL: postgres://USER:PASSWORD@HOST:PORT/NAME, mysql://..., or sqlite:///path.db';

/** libpq's sslmode values, in order of strictness. */
export const PG_SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** MySQL's --ssl-mode values. */
export const MYSQL_SSLMODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'];

/**
 * Reads the database URL for `prefix` (default `DEFAULT`): for `DEFAULT`, `DATABASE_URL`
 * wins over `DEFAULT_DATABASE_DSN`; for any other prefix `<PREFIX>_DATABASE_DSN`.
 * With no URL at all, an in-memory SQLite database flagged `fallback: true`.
 * Throws `DivioEnvError` listing every problem.
 */
export function readDatabase(env: EnvSource = process.env, prefix = 'DEFAULT'): DatabaseConfig {
  const problems = new Problems();
  const config = collectDatabase(env, problems, prefix);
  problems.throwIfAny();
  // collectDatabase returns undefined only when it recorded a problem.
  return config as DatabaseConfig;
}

/** Internal: like readDatabase, but records problems instead of throwing. */
export function collectDatabase(
  env: EnvSource,
  problems: Problems,
  prefix = 'DEFAULT',
): DatabaseConfig | undefined {
  const upper = prefix.toUpperCase();
  if (!/^[A-Z][A-Z0-9_]*$/.test(upper)) {
    problems.add('prefix', 'a variable prefix like DEFAULT or ALT', prefix, 'plain');
    return undefined;
  }
  const names =
    upper === 'DEFAULT' ? ['DATABASE_URL', 'DEFAULT_DATABASE_DSN'] : [`${upper}_DATABASE_DSN`];
  for (const name of names) {
    const value = optional(env, name);
    if (value !== undefined) {
      try {
        return parseDatabaseUrl(value.trim(), name, problems);
      } catch (error) {
        if (error instanceof Abandon) return undefined;
        throw error;
      }
    }
  }
  return makeConfig(
    {
      client: 'better-sqlite3',
      scheme: 'sqlite',
      inMemory: true,
      options: Object.freeze({}),
      fallback: true,
    },
    names[0] as string,
  );
}

function parseDatabaseUrl(value: string, variable: string, problems: Problems): DatabaseConfig {
  const fail = (expected: string): never => {
    problems.add(variable, expected, value, 'url');
    throw new Abandon();
  };
  const schemeMatch = SCHEME_RE.exec(value);
  if (!schemeMatch?.[1]) return fail(URL_EXPECTED);
  const scheme = schemeMatch[1].toLowerCase();
  const client = DATABASE_SCHEMES[scheme];
  if (!Object.hasOwn(DATABASE_SCHEMES, scheme) || client === undefined) {
    return fail(
      `a database URL scheme (${Object.keys(DATABASE_SCHEMES).join(', ')}), not "${scheme}"`,
    );
  }
  if (client === 'better-sqlite3') return parseSqlite(value, scheme, variable, fail);

  const parts = splitUrl(value);
  if (typeof parts === 'string') return fail(parts);
  const decode = (raw: string | undefined, what: string): string | undefined => {
    if (raw === undefined || raw === '') return undefined;
    const decoded = percentDecode(raw);
    if (decoded === undefined) fail(`valid percent-encoding in the ${what}`);
    return decoded;
  };
  const user = decode(parts.rawUser, 'user name');
  const password = decode(parts.rawPassword, 'password');
  const host = decode(parts.rawHost, 'host');
  const database = decode(parts.rawPath.replace(/^\//, ''), 'database name');
  let port: number | undefined;
  if (parts.rawPort !== undefined) {
    port = parsePort(parts.rawPort);
    if (port === undefined) fail('a port from 1 to 65535');
  }

  if (host !== undefined && !host.startsWith('/')) {
    const valid = parts.ipv6 ? /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/ : /^[A-Za-z0-9._-]+$/;
    if (!valid.test(host)) fail('a host name, an IP address, or a percent-encoded socket path');
  }

  let socketPath: string | undefined;
  let tcpHost = host;
  if (host?.startsWith('/')) {
    socketPath = host;
    tcpHost = undefined;
    if (client === 'pg') {
      // libpq takes the socket's directory; accept the socket file itself too.
      const file = /^\.s\.PGSQL\.(\d+)$/.exec(basename(host));
      if (file?.[1]) {
        socketPath = dirname(host);
        port ??= parsePort(file[1]);
      }
    }
  }

  const options = queryOptions(parts.query, SENSITIVE_PARAM);
  const raw = Object.fromEntries(parts.query);
  const tls = client === 'pg' ? pgTls(raw, fail) : mysqlTls(raw, fail);

  const descriptor: DatabaseDescriptor = {
    client,
    scheme,
    inMemory: false,
    options,
    fallback: false,
  };
  if (tcpHost !== undefined) descriptor.host = tcpHost;
  if (port !== undefined) descriptor.port = port;
  if (user !== undefined) descriptor.user = user;
  if (password !== undefined) descriptor.password = new Secret(password);
  if (database !== undefined) descriptor.database = database;
  if (socketPath !== undefined) descriptor.socketPath = socketPath;
  return makeConfig(descriptor, variable, tls, raw);
}

function parseSqlite(
  value: string,
  scheme: string,
  variable: string,
  fail: (expected: string) => never,
): DatabaseConfig {
  const expected = 'sqlite://:memory:, sqlite:///relative.db or sqlite:////absolute/path.db';
  let rest = value.slice(scheme.length + 1);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  if (q !== -1) rest = rest.slice(0, q);
  if (!rest.startsWith('//')) return fail(expected);
  rest = rest.slice(2);
  const base = {
    client: 'better-sqlite3' as const,
    scheme,
    options: queryOptions(query, SENSITIVE_PARAM),
    fallback: false,
  };
  if (rest === '' || rest === ':memory:') return makeConfig({ ...base, inMemory: true }, variable);
  // After `sqlite://` comes an empty host, then the path: `/rel.db` or `//abs/path.db`.
  if (!rest.startsWith('/')) return fail(expected);
  const filename = percentDecode(rest.slice(1));
  if (filename === undefined) return fail('valid percent-encoding in the SQLite path');
  if (filename === '' || filename === ':memory:') {
    return makeConfig({ ...base, inMemory: true }, variable);
  }
  if (filename.includes('\0')) return fail(expected);
  return makeConfig({ ...base, inMemory: false, filename }, variable);
}

/** How to build the TLS options: decided while parsing, files read when knexConfig() runs. */
interface TlsPlan {
  /** `false`: no TLS. */
  enabled: boolean;
  verifyChain: boolean;
  verifyHost: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * libpq semantics (not node-postgres's, which treats `require` like `verify-full`):
 * - no sslmode: no TLS options (node-postgres default: plain connection);
 * - `disable`, `allow`, `prefer`: no TLS (node-postgres cannot fall back between plain and
 *   TLS, so the modes that accept a plain connection get one; use `require` for encryption);
 * - `require`: TLS without certificate checks, unless `sslrootcert` is given, which makes it
 *   `verify-ca` (libpq does the same);
 * - `verify-ca`: TLS, chain checked against `sslrootcert` (or Node's CAs), host name not;
 * - `verify-full`: TLS, chain and host name checked.
 * `sslrootcert=system` means Node's built-in CAs. `sslcert`/`sslkey` add a client certificate.
 */
function pgTls(query: Record<string, string>, fail: (e: string) => never): TlsPlan {
  const mode = query.sslmode;
  const plan: TlsPlan = { enabled: false, verifyChain: false, verifyHost: false };
  const rootcert =
    query.sslrootcert && query.sslrootcert !== 'system' ? query.sslrootcert : undefined;
  if (mode === undefined) return plan;
  if (!PG_SSLMODES.includes(mode)) return fail(`sslmode one of ${PG_SSLMODES.join(', ')}`);
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return plan;
  plan.enabled = true;
  plan.verifyChain = mode !== 'require' || query.sslrootcert !== undefined;
  plan.verifyHost = mode === 'verify-full';
  if (rootcert) plan.ca = rootcert;
  if (query.sslcert) plan.cert = query.sslcert;
  if (query.sslkey) plan.key = query.sslkey;
  return plan;
}

/**
 * MySQL's `ssl-mode` (also `ssl_mode`), any case, and `ssl-ca`:
 * - `DISABLED`, `PREFERRED`: no TLS (mysql2 cannot fall back; use `REQUIRED`);
 * - `REQUIRED`: TLS without certificate checks, unless `ssl-ca` is given (then `VERIFY_CA`,
 *   as the mysql client does);
 * - `VERIFY_CA`: chain checked, host name not; `VERIFY_IDENTITY`: both;
 * - `ssl-ca` alone: `VERIFY_IDENTITY` against that CA.
 */
function mysqlTls(query: Record<string, string>, fail: (e: string) => never): TlsPlan {
  const rawMode = query['ssl-mode'] ?? query.ssl_mode;
  const ca = query['ssl-ca'] ?? query.ssl_ca;
  const plan: TlsPlan = { enabled: false, verifyChain: false, verifyHost: false };
  let mode = rawMode?.toUpperCase();
  if (mode !== undefined && !MYSQL_SSLMODES.includes(mode)) {
    return fail(`ssl-mode one of ${MYSQL_SSLMODES.join(', ')}`);
  }
  if (mode === undefined && ca) mode = 'VERIFY_IDENTITY';
  if (mode === undefined || mode === 'DISABLED' || mode === 'PREFERRED') return plan;
  plan.enabled = true;
  plan.verifyChain = mode !== 'REQUIRED' || Boolean(ca);
  plan.verifyHost = mode === 'VERIFY_IDENTITY';
  if (ca) plan.ca = ca;
  const cert = query['ssl-cert'] ?? query.ssl_cert;
  const key = query['ssl-key'] ?? query.ssl_key;
  if (cert) plan.cert = cert;
  if (key) plan.key = key;
  return plan;
}

function buildTls(
  plan: TlsPlan,
  variable: string,
  client: DatabaseClient,
): Record<string, unknown> | false {
  if (!plan.enabled) return false;
  const read = (path: string, param: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new DivioEnvError([
        { variable, expected: `${param}: a readable PEM file (${code})`, value: path },
      ]);
    }
  };
  const tls: Record<string, unknown> = { rejectUnauthorized: plan.verifyChain };
  if (plan.ca) tls.ca = read(plan.ca, 'the CA certificate');
  if (plan.cert) tls.cert = read(plan.cert, 'the client certificate');
  if (plan.key) tls.key = read(plan.key, 'the client key');
  if (client === 'mysql2') {
    // mysql2 checks the host name only when asked to (`verifyIdentity`).
    tls.verifyIdentity = plan.verifyHost;
  } else if (plan.verifyChain && !plan.verifyHost) {
    // node-postgres hands these options to tls.connect: chain verified, host name not.
    tls.checkServerIdentity = () => undefined;
  }
  return tls;
}

function makeConfig(
  descriptor: DatabaseDescriptor,
  variable: string,
  tls: TlsPlan = { enabled: false, verifyChain: false, verifyHost: false },
  query: Record<string, string> = {},
): DatabaseConfig {
  const knexConfig = (): KnexConfig => {
    const d = descriptor;
    if (d.client === 'better-sqlite3') {
      return {
        client: 'better-sqlite3',
        connection: { filename: d.inMemory ? ':memory:' : (d.filename as string) },
        useNullAsDefault: true,
      };
    }
    const connection: Record<string, unknown> = {};
    if (d.client === 'pg') {
      const host = d.socketPath ?? d.host;
      if (host !== undefined) connection.host = host;
    } else {
      if (d.host !== undefined) connection.host = d.host;
      if (d.socketPath !== undefined) connection.socketPath = d.socketPath;
    }
    if (d.port !== undefined) connection.port = d.port;
    if (d.user !== undefined) connection.user = d.user;
    if (d.password !== undefined) connection.password = d.password.reveal();
    if (d.database !== undefined) connection.database = d.database;
    if (d.client === 'pg') {
      if (query.sslmode !== undefined) connection.ssl = buildTls(tls, variable, 'pg');
      if (query.application_name) connection.application_name = query.application_name;
      const timeout = query.connect_timeout;
      if (timeout && /^\d+$/.test(timeout))
        connection.connectionTimeoutMillis = Number(timeout) * 1000;
    } else {
      connection.charset = 'utf8mb4';
      const ssl = buildTls(tls, variable, 'mysql2');
      if (ssl !== false) connection.ssl = ssl;
    }
    return { client: d.client, connection, pool: { min: 0, max: 10 } };
  };
  return { ...descriptor, knexConfig };
}
