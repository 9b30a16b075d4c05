// The knex configs divio-env builds really connect: `select 1` on PostgreSQL, MySQL/MariaDB
// and SQLite. A server that is not reachable skips its tests with a message saying so.
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import knex from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { readDatabase } from '../src/index.js';

const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';

/** Is something listening at the URL's host:port? (127.0.0.1 only, 2 s timeout.) */
async function reachable(url: string): Promise<boolean> {
  const db = readDatabase({ DATABASE_URL: url });
  const port = db.port ?? (db.client === 'pg' ? 5432 : 3306);
  return new Promise((resolve) => {
    const socket = createConnection({ host: db.host ?? '127.0.0.1', port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const open: knex.Knex[] = [];
afterAll(async () => {
  await Promise.all(open.map((db) => db.destroy()));
});

async function selectOne(url: string): Promise<unknown> {
  const db = knex(readDatabase({ DATABASE_URL: url }).knexConfig());
  open.push(db);
  const result = await db.raw('select 1 as one');
  await db.destroy();
  return result;
}

/** The URL with a query string appended. */
const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

const pgUp = await reachable(PG_URL);
const mysqlUp = await reachable(MYSQL_URL);

describe.skipIf(!pgUp)(
  `PostgreSQL (${pgUp ? 'reachable' : `not reachable at PG_URL; skipped`})`,
  () => {
    it('select 1', async () => {
      const result = (await selectOne(PG_URL)) as { rows: { one: number }[] };
      expect(result.rows).toEqual([{ one: 1 }]);
    });
    it.each(['disable', 'allow', 'prefer'])('sslmode=%s connects without TLS', async (mode) => {
      const result = (await selectOne(withQuery(PG_URL, `sslmode=${mode}`))) as { rows: unknown[] };
      expect(result.rows).toHaveLength(1);
    });
    it('sslmode=require really asks for TLS (this server has none: refused)', async () => {
      const url = withQuery(PG_URL, 'sslmode=require');
      // `log` keeps knex from printing the expected connection error.
      const silent = { warn() {}, error() {}, debug() {}, deprecate() {} };
      const db = knex({ ...readDatabase({ DATABASE_URL: url }).knexConfig(), log: silent });
      open.push(db);
      await expect(db.raw('select 1')).rejects.toThrow(/does not support SSL/i);
      await db.destroy();
    });
  },
);

describe.skipIf(!mysqlUp)(
  `MySQL/MariaDB (${mysqlUp ? 'reachable' : 'not reachable at MYSQL_URL; skipped'})`,
  () => {
    it('select 1, through client mysql2', async () => {
      expect(readDatabase({ DATABASE_URL: MYSQL_URL }).knexConfig().client).toBe('mysql2');
      const [rows] = (await selectOne(MYSQL_URL)) as [{ one: number }[]];
      expect(rows).toEqual([{ one: 1 }]);
    });
    it('the connection uses utf8mb4', async () => {
      const db = knex(readDatabase({ DATABASE_URL: MYSQL_URL }).knexConfig());
      open.push(db);
      const [rows] = (await db.raw('select @@character_set_client as cs')) as [{ cs: string }[]];
      expect(rows[0]?.cs).toBe('utf8mb4');
      await db.destroy();
    });
    it('mariadb:// is an alias', async () => {
      const [rows] = (await selectOne(MYSQL_URL.replace(/^mysql:/, 'mariadb:'))) as [unknown[]];
      expect(rows).toHaveLength(1);
    });
  },
);

// Unix sockets: the percent-encoded host form, against the local servers' default sockets.
const PG_SOCKET_DIR = '/var/run/postgresql';
const MYSQL_SOCKET = '/run/mysqld/mysqld.sock';
const pgSocket = existsSync(`${PG_SOCKET_DIR}/.s.PGSQL.5432`);
const mysqlSocket = existsSync(MYSQL_SOCKET);

describe.skipIf(!pgSocket)(
  `PostgreSQL over a unix socket (${pgSocket ? 'present' : `no socket in ${PG_SOCKET_DIR}; skipped`})`,
  () => {
    it('postgres://USER@%2Fvar%2Frun%2Fpostgresql/DB', async () => {
      const { user, database } = readDatabase({ DATABASE_URL: PG_URL });
      const url = `postgres://${user ?? 'postgres'}@${encodeURIComponent(PG_SOCKET_DIR)}/${database ?? ''}`;
      const result = (await selectOne(url)) as { rows: unknown[] };
      expect(result.rows).toEqual([{ one: 1 }]);
    });
  },
);

describe.skipIf(!mysqlSocket)(
  `MySQL over a unix socket (${mysqlSocket ? 'present' : `no ${MYSQL_SOCKET}; skipped`})`,
  () => {
    it('mysql://USER@%2Frun%2Fmysqld%2Fmysqld.sock/DB', async () => {
      const { user, database } = readDatabase({ DATABASE_URL: MYSQL_URL });
      const url = `mysql://${user ?? 'root'}@${encodeURIComponent(MYSQL_SOCKET)}/${database ?? ''}`;
      const [rows] = (await selectOne(url)) as [unknown[]];
      expect(rows).toEqual([{ one: 1 }]);
    });
  },
);

describe('SQLite (better-sqlite3)', () => {
  it('in-memory fallback: select 1', async () => {
    const db = knex(readDatabase({}).knexConfig());
    open.push(db);
    expect(await db.raw('select 1 as one')).toEqual([{ one: 1 }]);
    await db.destroy();
  });
  it('a file database keeps its data across connections', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'divio-env-sqlite-')), 'app.db');
    const url = `sqlite:///${file}`;
    expect(readDatabase({ DATABASE_URL: url }).filename).toBe(file);
    const a = knex(readDatabase({ DATABASE_URL: url }).knexConfig());
    open.push(a);
    await a.schema.createTable('divio_env_probe', (t) => t.integer('n'));
    await a('divio_env_probe').insert({ n: 42 });
    await a.destroy();
    const b = knex(readDatabase({ DATABASE_URL: url }).knexConfig());
    open.push(b);
    expect(await b('divio_env_probe').select('n')).toEqual([{ n: 42 }]);
    await b.destroy();
  });
});
