import { describe, expect, it } from 'vitest';
import { DivioEnvError, readDatabase } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const url = (value: string) => readDatabase({ DATABASE_URL: value });

describe('readDatabase: descriptors', () => {
  const cases: [string, Record<string, unknown>][] = [
    // The facts file's local compose values.
    [
      'postgres://postgres@database_default:5432/db',
      {
        client: 'pg',
        scheme: 'postgres',
        host: 'database_default',
        port: 5432,
        user: 'postgres',
        database: 'db',
      },
    ],
    [
      'mysql://root@database_default:3306/db',
      {
        client: 'mysql2',
        scheme: 'mysql',
        host: 'database_default',
        port: 3306,
        user: 'root',
        database: 'db',
      },
    ],
    // Scheme aliases.
    ['postgresql://h/d', { client: 'pg', scheme: 'postgresql', host: 'h', database: 'd' }],
    ['pgsql://h/d', { client: 'pg', scheme: 'pgsql' }],
    ['postgis://h/d', { client: 'pg', scheme: 'postgis' }],
    ['mysql2://h/d', { client: 'mysql2', scheme: 'mysql2' }],
    ['mariadb://h/d', { client: 'mysql2', scheme: 'mariadb' }],
    ['POSTGRES://h/d', { client: 'pg', scheme: 'postgres' }],
    // Percent-decoding of user, host and database name.
    ['postgres://%23user@h/d', { user: '#user' }],
    ['postgres://u@h/my%20db', { database: 'my db' }],
    ['postgres://u@my%2Dhost/d', { host: 'my-host' }],
    // Missing port: driver default.
    ['postgres://u@h/d', { port: undefined }],
    ['postgres://u@h:/d', { port: undefined }],
    // No database name.
    ['postgres://u@h:5432', { database: undefined }],
    ['postgres://u@h:5432/', { database: undefined }],
    // IPv6.
    ['postgres://u@[2001:db8::1]:5431/d', { host: '2001:db8::1', port: 5431 }],
    ['mysql://u@[::1]/d', { host: '::1', port: undefined }],
    ['postgres://u@[fe80::1%25eth0]:5432/d', { host: 'fe80::1%eth0', port: 5432 }],
    ['postgres://u@127.0.0.1:5432/d', { host: '127.0.0.1' }],
    ['postgres://u@database_default/d', { host: 'database_default' }],
    // Unix sockets.
    [
      'postgres://%2Fvar%2Frun%2Fpostgresql/db',
      { host: undefined, socketPath: '/var/run/postgresql', database: 'db' },
    ],
    [
      'postgres://u@%2Fvar%2Frun%2Fpostgresql%2F.s.PGSQL.5433/db',
      { socketPath: '/var/run/postgresql', port: 5433 },
    ],
    [
      'mysql://root@%2Frun%2Fmysqld%2Fmysqld.sock/db',
      { host: undefined, socketPath: '/run/mysqld/mysqld.sock' },
    ],
    // Query options.
    ['postgres://u@h/d?sslmode=require', { options: { sslmode: 'require' } }],
    [
      'mysql://u@h/d?ssl-ca=%2Fetc%2Fca.pem&charset=x',
      { options: { 'ssl-ca': '/etc/ca.pem', charset: 'x' } },
    ],
    ['postgres://u@h/d?password=hunter22', { options: { password: '***' } }],
    // Fragment ignored.
    ['postgres://u@h/d#frag', { database: 'd' }],
  ];
  it.each(cases)('%s', (value, expected) => {
    const db = url(value);
    expect(db).toMatchObject({ inMemory: false, fallback: false });
    for (const [key, v] of Object.entries(expected)) {
      expect((db as unknown as Record<string, unknown>)[key], key).toEqual(v);
    }
  });

  it('decodes the password, %2B is +', () => {
    const db = url('postgres://u:p%2Bss%40w%3Ard@h/d');
    expect(db.password?.reveal()).toBe('p+ss@w:rd');
    expect(String(db.password)).toBe('***');
  });

  it('keeps a literal + in the password', () => {
    expect(url('postgres://u:a+b@h/d').password?.reveal()).toBe('a+b');
  });

  it('treats an empty password as none', () => {
    expect(url('postgres://u:@h/d').password).toBeUndefined();
  });
});

describe('readDatabase: sqlite', () => {
  const cases: [string, { inMemory: boolean; filename?: string }][] = [
    ['sqlite://:memory:', { inMemory: true }],
    ['sqlite://', { inMemory: true }],
    ['sqlite:///:memory:', { inMemory: true }],
    ['sqlite:///rel.db', { inMemory: false, filename: 'rel.db' }],
    ['sqlite:///data/app.db', { inMemory: false, filename: 'data/app.db' }],
    ['sqlite:////abs/path.db', { inMemory: false, filename: '/abs/path.db' }],
    ['sqlite:////abs/with%20space.db', { inMemory: false, filename: '/abs/with space.db' }],
    ['sqlite:///rel.db?mode=ro', { inMemory: false, filename: 'rel.db' }],
  ];
  it.each(cases)('%s', (value, expected) => {
    const db = url(value);
    expect(db.client).toBe('better-sqlite3');
    expect(db.inMemory).toBe(expected.inMemory);
    expect(db.filename).toBe(expected.filename);
    expect(db.fallback).toBe(false);
    expect(db.knexConfig()).toEqual({
      client: 'better-sqlite3',
      connection: { filename: expected.filename ?? ':memory:' },
      useNullAsDefault: true,
    });
  });
});

describe('readDatabase: which variable', () => {
  it('falls back to in-memory SQLite, flagged', () => {
    const db = readDatabase({});
    expect(db).toMatchObject({ client: 'better-sqlite3', inMemory: true, fallback: true });
    expect(db.knexConfig().connection).toEqual({ filename: ':memory:' });
  });
  it('treats empty strings as unset', () => {
    expect(readDatabase({ DATABASE_URL: '', DEFAULT_DATABASE_DSN: '  ' }).fallback).toBe(true);
  });
  it('prefers DATABASE_URL over DEFAULT_DATABASE_DSN', () => {
    const db = readDatabase({
      DATABASE_URL: 'postgres://a/x',
      DEFAULT_DATABASE_DSN: 'mysql://b/y',
    });
    expect(db.host).toBe('a');
  });
  it('uses DEFAULT_DATABASE_DSN when DATABASE_URL is unset', () => {
    expect(readDatabase({ DEFAULT_DATABASE_DSN: 'mysql://b/y' }).host).toBe('b');
  });
  it('reads <PREFIX>_DATABASE_DSN for another prefix', () => {
    const env = { DATABASE_URL: 'postgres://a/x', ALT_DATABASE_DSN: 'mysql://b/y' };
    expect(readDatabase(env, 'ALT').host).toBe('b');
    expect(readDatabase(env, 'alt').host).toBe('b');
    expect(readDatabase(env, 'OTHER').fallback).toBe(true);
  });
  it('names the prefixed variable in errors', () => {
    const error = expectDivioEnvError(() => readDatabase({ ALT_DATABASE_DSN: 'redis://x' }, 'ALT'));
    expect(error.problems[0]?.variable).toBe('ALT_DATABASE_DSN');
  });
  it('rejects a bad prefix', () => {
    expect(() => readDatabase({}, 'a-b')).toThrow(DivioEnvError);
  });
  it('trims surrounding whitespace', () => {
    expect(url('  postgres://h/d \n').host).toBe('h');
  });
});

describe('readDatabase: errors', () => {
  const cases: [string, RegExp][] = [
    ['redis://h/0', /not "redis"/],
    ['oracle://u:pw@h/d', /not "oracle"/],
    ['not a url', /database URL/],
    ['postgres:h/d', /postgres:\/\//],
    ['postgres://u@h:0/d', /port from 1 to 65535/],
    ['postgres://u@h:65536/d', /port from 1 to 65535/],
    ['postgres://u@h:abc/d', /port from 1 to 65535/],
    ['postgres://u@h:-1/d', /port from 1 to 65535/],
    ['postgres://u@2001:db8::1/d', /IPv6/],
    ['postgres://u@[2001:db8::1/d', /IPv6/],
    ['postgres://u@[::1]x/d', /optional :port/],
    ['postgres://u@h/d%ZZ', /percent-encoding in the database name/],
    ['postgres://u%E0@h/d', /percent-encoding in the user name/],
    ['postgres://u@h/d?sslmode=always', /sslmode one of/],
    ['mysql://u@h/d?ssl-mode=sometimes', /ssl-mode one of/],
    // An unencoded '/', '?' or '#' in the password would leak a piece of it into the path.
    ['postgres://user:5432/SECRETX@h/d', /percent-encoded user name and password/],
    ['postgres://user:12?SECRETX@h/d', /percent-encoded user name and password/],
    ['postgres://user:12#SECRETX@h/d', /percent-encoded user name and password/],
    ['postgres://u@ho%20st/d', /a host name/],
    ['postgres://u@h!st/d', /a host name/],
    ['postgres://u@[not-v6]/d', /a host name/],
    ['sqlite:data.db', /sqlite:\/\/:memory:/],
    ['sqlite://data.db', /sqlite:\/\/:memory:/],
  ];
  it.each(cases)('%s', (value, message) => {
    const error = expectDivioEnvError(() => url(value));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.variable).toBe('DATABASE_URL');
    expect(error.problems[0]?.expected).toMatch(message);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('masks the password of a DSN it cannot parse', () => {
    const error = expectDivioEnvError(() => url('postgres://user:s3cr3tpw@h:99999/d'));
    expect(error.problems[0]?.value).toBe('postgres://user:***@h:99999/d');
    expect(error.message).not.toContain('s3cr3tpw');
  });

  it('masks a password that contains unencoded / and @', () => {
    const error = expectDivioEnvError(() => url('postgres://user:se/cr@et@h/d'));
    expect(JSON.stringify(error)).not.toMatch(/se\/cr|cr@et/);
  });
});

describe('knexConfig', () => {
  it('pg: a connection object, no ssl key without sslmode', () => {
    const cfg = url(
      'postgres://u:p%40w@h:5433/d?application_name=app&connect_timeout=5',
    ).knexConfig();
    expect(cfg).toEqual({
      client: 'pg',
      connection: {
        host: 'h',
        port: 5433,
        user: 'u',
        password: 'p@w',
        database: 'd',
        application_name: 'app',
        connectionTimeoutMillis: 5000,
      },
      pool: { min: 0, max: 10 },
    });
  });
  it('pg socket: host is the directory', () => {
    const cfg = url('postgres://u@%2Fvar%2Frun%2Fpostgresql/db').knexConfig();
    expect(cfg.connection).toEqual({ host: '/var/run/postgresql', user: 'u', database: 'db' });
  });
  it('mysql2: client mysql2, utf8mb4, never "mysql"', () => {
    const cfg = url('mysql://root:pw@database_default:3306/db').knexConfig();
    expect(cfg).toEqual({
      client: 'mysql2',
      connection: {
        host: 'database_default',
        port: 3306,
        user: 'root',
        password: 'pw',
        database: 'db',
        charset: 'utf8mb4',
      },
      pool: { min: 0, max: 10 },
    });
  });
  it('mysql2 socket: socketPath', () => {
    const cfg = url('mariadb://root@%2Frun%2Fmysqld%2Fmysqld.sock/db').knexConfig();
    expect(cfg.connection).toEqual({
      socketPath: '/run/mysqld/mysqld.sock',
      user: 'root',
      database: 'db',
      charset: 'utf8mb4',
    });
  });

  const pgSsl: [string, unknown][] = [
    ['disable', false],
    ['allow', false],
    ['prefer', false],
    ['require', { rejectUnauthorized: false }],
    ['verify-ca', { rejectUnauthorized: true, checkServerIdentity: expect.any(Function) }],
    ['verify-full', { rejectUnauthorized: true }],
  ];
  it.each(pgSsl)('pg sslmode=%s', (mode, ssl) => {
    const cfg = url(`postgres://u@h/d?sslmode=${mode}`).knexConfig();
    expect(cfg.connection.ssl).toEqual(ssl);
  });

  it('pg verify-ca checks the chain but not the host name', () => {
    const ssl = url('postgres://u@h/d?sslmode=verify-ca').knexConfig().connection.ssl as {
      checkServerIdentity: () => unknown;
    };
    expect(ssl.checkServerIdentity()).toBeUndefined();
  });

  it('pg require + sslrootcert behaves like verify-ca, reading the file lazily', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'divio-env-'));
    const ca = join(dir, 'ca.pem');
    const db = url(`postgres://u@h/d?sslmode=require&sslrootcert=${encodeURIComponent(ca)}`);
    // Parsed fine although the file does not exist yet: it is read by knexConfig().
    expect(() => db.knexConfig()).toThrow(/readable PEM file \(ENOENT\)/);
    writeFileSync(ca, 'PEM');
    expect(db.knexConfig().connection.ssl).toEqual({
      rejectUnauthorized: true,
      ca: 'PEM',
      checkServerIdentity: expect.any(Function),
    });
  });

  it('pg sslrootcert=system: Node CAs, full verification', () => {
    const cfg = url('postgres://u@h/d?sslmode=verify-full&sslrootcert=system').knexConfig();
    expect(cfg.connection.ssl).toEqual({ rejectUnauthorized: true });
  });

  const mysqlSsl: [string, unknown][] = [
    ['ssl-mode=DISABLED', undefined],
    ['ssl-mode=preferred', undefined],
    ['ssl-mode=REQUIRED', { rejectUnauthorized: false, verifyIdentity: false }],
    ['ssl_mode=verify_ca', { rejectUnauthorized: true, verifyIdentity: false }],
    ['ssl-mode=VERIFY_IDENTITY', { rejectUnauthorized: true, verifyIdentity: true }],
  ];
  it.each(mysqlSsl)('mysql2 %s', (query, ssl) => {
    const cfg = url(`mysql://u@h/d?${query}`).knexConfig();
    expect(cfg.connection.ssl).toEqual(ssl);
  });

  it('mysql2 ssl-ca alone: verify identity against that CA; unreadable file named', () => {
    const db = url('mysql://u@h/d?ssl-ca=%2Fnonexistent%2Fca.pem');
    const error = expectDivioEnvError(() => db.knexConfig());
    expect(error.problems[0]).toMatchObject({
      variable: 'DATABASE_URL',
      value: '/nonexistent/ca.pem',
    });
  });

  it('the descriptor never shows the password', () => {
    const db = url('postgres://u:topsecretpw@h/d');
    expect(JSON.stringify(db)).not.toContain('topsecretpw');
    expect(JSON.stringify(db)).toContain('"password":"***"');
  });
});
