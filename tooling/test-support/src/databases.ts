// Throwaway databases on the machine's PostgreSQL / MariaDB, so parallel suites never collide.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { canConnect } from './ports.js';

export type DatabaseKind = 'pg' | 'mysql';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

/** `PG_URL`, or the machine default (an empty value counts as unset). */
export function pgUrl(): string {
  return process.env.PG_URL || DEFAULT_PG_URL;
}

/** `MYSQL_URL`, or the machine default (an empty value counts as unset). */
export function mysqlUrl(): string {
  return process.env.MYSQL_URL || DEFAULT_MYSQL_URL;
}

const DEFAULT_PORTS: Record<string, number> = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'mysql:': 3306,
  'mariadb:': 3306,
  'redis:': 6379,
  'http:': 80,
  'https:': 443,
};

/** `host:port` of a service URL, without credentials (safe to print). */
export function hostPort(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  return `${parsed.hostname}${port ? `:${port}` : ''}`;
}

/** True when a TCP connection to the URL's host and port opens within `timeoutMs`. */
export async function isReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (!port) return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return canConnect(host, port, timeoutMs);
}

export interface TempDatabase {
  kind: DatabaseKind;
  /** Connection URL of the new database (same server and credentials as the base URL). */
  url: string;
  name: string;
  /** Drops the database (terminating leftover connections on PostgreSQL). Safe to call twice. */
  drop(): Promise<void>;
}

/** A database name no other process or call will pick: `t_<pid>_<12 hex>`. */
export function uniqueDatabaseName(prefix = 't'): string {
  return `${prefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
}

/**
 * Creates a uniquely named, empty database on the server of `PG_URL` / `MYSQL_URL`
 * (or `baseUrl`) and returns its URL. Call `drop()` in `afterAll`.
 */
export async function createTempDatabase(
  kind: DatabaseKind,
  baseUrl: string = kind === 'pg' ? pgUrl() : mysqlUrl(),
): Promise<TempDatabase> {
  const name = uniqueDatabaseName();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const run = kind === 'pg' ? runPg : runMysql;
  // The name is generated from [a-z0-9_] only, so quoting it is enough.
  const quoted = kind === 'pg' ? `"${name}"` : `\`${name}\``;
  await run(baseUrl, `CREATE DATABASE ${quoted}`);
  let dropped = false;
  return {
    kind,
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await run(
        baseUrl,
        kind === 'pg'
          ? `DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`
          : `DROP DATABASE IF EXISTS ${quoted}`,
      );
    },
  };
}

async function runPg(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function runMysql(url: string, sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}
