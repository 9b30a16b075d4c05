import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createTempDatabase,
  DEFAULT_PG_URL,
  freePort,
  hostPort,
  isReachable,
  mysqlUrl,
  pgUrl,
  requireMysql,
  requirePostgres,
  requireService,
  uniqueDatabaseName,
} from '../src/index.js';

const hasPg = await requirePostgres();
const hasMysql = await requireMysql();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('URLs and probes', () => {
  it('reads PG_URL / MYSQL_URL, treating empty as unset', () => {
    vi.stubEnv('PG_URL', '');
    expect(pgUrl()).toBe(DEFAULT_PG_URL);
    vi.stubEnv('PG_URL', 'postgres://u@db:5433/x');
    expect(pgUrl()).toBe('postgres://u@db:5433/x');
    vi.stubEnv('MYSQL_URL', 'mysql://root@db/x');
    expect(mysqlUrl()).toBe('mysql://root@db/x');
    expect(hostPort('mysql://root:secret@db/x')).toBe('db:3306');
  });

  it('isReachable is false for a closed port and for garbage', async () => {
    const port = await freePort();
    expect(await isReachable(`postgres://x@127.0.0.1:${port}/db`, 500)).toBe(false);
    expect(await isReachable('not a url')).toBe(false);
  });

  it('requireService prints a plain skip message, or throws under CI', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('CI', '');
    const requirement = {
      name: 'PostgreSQL',
      probe: async () => false,
      where: '127.0.0.1:1',
      hint: 'set PG_URL',
    };
    expect(await requireService(requirement)).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      'skipped: PostgreSQL not reachable at 127.0.0.1:1 (set PG_URL)',
    );
    vi.stubEnv('CI', 'true');
    await expect(requireService(requirement)).rejects.toThrow(
      'PostgreSQL not reachable at 127.0.0.1:1 (set PG_URL): CI=true requires every service',
    );
    expect(await requireService({ ...requirement, probe: async () => true })).toBe(true);
    expect(
      await requireService({
        name: 'X',
        probe: async () => {
          throw new Error('boom');
        },
      }).catch((e: Error) => e.message),
    ).toMatch(/X not reachable/);
  });

  it('generates distinct database names', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueDatabaseName()));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(new RegExp(`^t_${process.pid}_[0-9a-f]{12}$`));
  });
});

describe.skipIf(!hasPg)('createTempDatabase(pg)', () => {
  it('creates a database that can be used, then drops it', async () => {
    const db = await createTempDatabase('pg');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string }>('select current_database() as db');
      expect(rows[0]?.db).toBe(db.name);
      await client.query('create table t (id int)');
    } finally {
      await client.end();
    }
    await db.drop();
    await db.drop();
    const admin = new pg.Client({ connectionString: pgUrl() });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [
        db.name,
      ]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('drops a database even with a connection still open', async () => {
    const db = await createTempDatabase('pg');
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {}); // the forced drop terminates it
    await client.connect();
    await db.drop();
    await client.end().catch(() => {});
  });
});

describe.skipIf(!hasMysql)('createTempDatabase(mysql)', () => {
  it('creates a database that can be used, then drops it', async () => {
    const db = await createTempDatabase('mysql');
    const connection = await mysql.createConnection({ uri: db.url });
    try {
      const [rows] = await connection.query('select database() as db');
      expect((rows as Array<{ db: string }>)[0]?.db).toBe(db.name);
    } finally {
      await connection.end();
    }
    await db.drop();
    const admin = await mysql.createConnection({ uri: mysqlUrl() });
    try {
      const [rows] = await admin.query('show databases like ?', [db.name]);
      expect(rows).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });
});
