import { describe, expect, it, vi } from 'vitest';
import { DivioEnvError, readDivioEnv, toPublicJson } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const quiet = { onWarning: () => {}, cwd: '/srv/app' };

const cloudEnv = {
  STAGE: 'live',
  SECRET_KEY: 'live-secret-key-value',
  DOMAIN: 'example.us.aldryn.io',
  DOMAIN_ALIASES: 'www.example.com',
  DOMAIN_REDIRECTS: 'old.example.com',
  DATABASE_URL: 'postgres://app:db-pass-123@db.example.internal:5432/app_db',
  DEFAULT_DATABASE_DSN: 'postgres://ignored@x/y',
  DEFAULT_STORAGE_DSN:
    's3://AKAIIE7LUT6ODIJA:TZJYGCfUZheXG%2BwabbotgBs6d2lxZW06OIbD@example-test-68564d3f.aldryn-media.io.s3-eu-central-1.amazonaws.com/?domain=example-test-68564d3f.aldryn-media.io',
  GIT_BRANCH: 'main',
  GIT_COMMIT: 'abc123',
  SITE_NAME: 'example',
  PORT: '8080',
  DEBUG: 'False',
};

describe('readDivioEnv', () => {
  it('reads a cloud environment', () => {
    const env = readDivioEnv(cloudEnv, quiet);
    expect(env).toMatchObject({
      port: 8080,
      stage: 'live',
      debug: false,
      siteName: 'example',
      git: { branch: 'main', commit: 'abc123' },
      database: { client: 'pg', host: 'db.example.internal', fallback: false },
      storage: { backend: 's3', region: 'eu-central-1' },
      security: { domain: 'example.us.aldryn.io', secretKeyGenerated: false, sslRedirect: true },
    });
  });

  it('defaults: port 80, stage local, debug off, fallbacks', () => {
    const onWarning = vi.fn();
    const env = readDivioEnv({}, { onWarning, cwd: '/srv/app' });
    expect(env).toMatchObject({
      port: 80,
      stage: 'local',
      debug: false,
      git: {},
      database: { client: 'better-sqlite3', inMemory: true, fallback: true },
      storage: {
        backend: 'file',
        root: '/srv/app/data/media',
        publicBaseUrl: '/media/',
        fallback: true,
      },
      security: { secretKeyGenerated: true, allowedHosts: ['localhost', '127.0.0.1', '[::1]'] },
    });
    expect(env.siteName).toBeUndefined();
    expect(onWarning).toHaveBeenCalledOnce();
  });

  it('treats empty strings as unset everywhere', () => {
    const blank = Object.fromEntries(Object.keys(cloudEnv).map((k) => [k, '']));
    const env = readDivioEnv(blank, quiet);
    expect(env).toMatchObject({ port: 80, stage: 'local', debug: false, git: {} });
    expect(env.database.fallback).toBe(true);
  });

  it.each([
    ['1', 1],
    ['65535', 65535],
    [' 3000 ', 3000],
  ])('PORT=%j -> %i', (value, port) => {
    expect(readDivioEnv({ PORT: value }, quiet).port).toBe(port);
  });
  it.each(['0', '65536', '-1', '80.5', 'http', '1e3', '0x50'])('PORT=%j is an error', (value) => {
    const error = expectDivioEnvError(() => readDivioEnv({ PORT: value }, quiet));
    expect(error.problems).toEqual([
      { variable: 'PORT', expected: 'a port from 1 to 65535', value },
    ]);
  });

  it.each([
    ['True', true],
    ['y', true],
    ['0', false],
  ])('DEBUG=%j -> %s', (value, debug) => {
    expect(readDivioEnv({ DEBUG: value }, quiet).debug).toBe(debug);
  });

  it('STAGE is trimmed and lower-cased; other names pass through', () => {
    expect(readDivioEnv({ STAGE: ' Demo ' }, quiet).stage).toBe('demo');
  });

  it('collects every problem from every section at once', () => {
    const error = expectDivioEnvError(() =>
      readDivioEnv(
        {
          STAGE: 'live',
          PORT: '99999',
          DEBUG: 'verbose',
          DATABASE_URL: 'redis://u:redis-pass@h/0',
          DEFAULT_STORAGE_DSN: 's3://KEY:storage-pass@localhost/',
          DOMAIN_ALIASES: '(bad',
          TRUST_PROXY: 'maybe',
        },
        quiet,
      ),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'PORT',
      'DEBUG',
      'DATABASE_URL',
      'DEFAULT_STORAGE_DSN',
      'SECRET_KEY',
      'DOMAIN_ALIASES',
      'TRUST_PROXY',
    ]);
    expect(error.message).toMatch(/^Invalid Divio environment \(7 problems\):/);
    for (const text of [error.message, String(error), JSON.stringify(error), error.stack ?? '']) {
      expect(text).not.toMatch(/redis-pass|storage-pass/);
    }
  });

  it('returns a deep-frozen object', () => {
    const env = readDivioEnv(cloudEnv, quiet);
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.database)).toBe(true);
    expect(Object.isFrozen(env.database.options)).toBe(true);
    expect(Object.isFrozen(env.storage)).toBe(true);
    expect(Object.isFrozen(env.security.allowedHosts)).toBe(true);
    expect(Object.isFrozen(env.git)).toBe(true);
    expect(() => {
      (env as { port: number }).port = 1;
    }).toThrow(TypeError);
    // Functions on frozen objects still work.
    expect(env.security.isAllowedHost('www.example.com')).toBe(true);
    expect(env.database.knexConfig().client).toBe('pg');
  });

  it('reads process.env by default', () => {
    vi.stubEnv('PORT', '4321');
    try {
      expect(readDivioEnv(undefined, quiet).port).toBe(4321);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the error is a DivioEnvError and an Error', () => {
    const error = expectDivioEnvError(() => readDivioEnv({ PORT: 'x' }, quiet));
    expect(error).toBeInstanceOf(DivioEnvError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DivioEnvError');
  });
});

describe('the contract environment (docs/contract.md)', () => {
  const env = readDivioEnv(
    {
      STAGE: 'test',
      SECRET_KEY: 'contract-secret',
      DOMAIN: 'contract.example',
      DOMAIN_ALIASES: 'localhost, 127\\.0\\.0\\.1',
      DOMAIN_REDIRECTS: 'old.contract.example',
      SECURE_SSL_REDIRECT: 'True',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    },
    quiet,
  );
  it.each([
    ['contract.example', true],
    ['127.0.0.1:3000', true],
    ['localhost:3000', true],
    ['old.contract.example', true],
    ['[::1]:3000', false],
    ['evil.example', false],
  ])('isAllowedHost(%s) = %s', (host, allowed) => {
    expect(env.security.isAllowedHost(host)).toBe(allowed);
  });
  it('ssl redirect on, proxy trusted, key given', () => {
    expect(env.security).toMatchObject({
      sslRedirect: true,
      trustProxy: true,
      secretKeyGenerated: false,
    });
    expect(env.security.redirectHosts).toEqual(['old.contract.example']);
  });
});

describe('toPublicJson', () => {
  it('has exactly the documented keys, credentials as ***', () => {
    const json = toPublicJson(readDivioEnv(cloudEnv, quiet));
    expect(json).toEqual({
      port: 8080,
      stage: 'live',
      debug: false,
      database: {
        client: 'pg',
        host: 'db.example.internal',
        port: 5432,
        user: 'app',
        database: 'app_db',
        socketPath: null,
        filename: null,
        inMemory: false,
        options: {},
        password: '***',
      },
      storage: {
        backend: 's3',
        bucket: 'example-test-68564d3f.aldryn-media.io',
        region: 'eu-central-1',
        endpoint: 'https://s3-eu-central-1.amazonaws.com',
        forcePathStyle: true,
        prefix: '',
        publicBaseUrl: 'https://example-test-68564d3f.aldryn-media.io/',
        acl: 'public-read',
        signedUrls: false,
        accessKeyId: 'AKAIIE7LUT6ODIJA',
        secretAccessKey: '***',
      },
      security: {
        domain: 'example.us.aldryn.io',
        allowedHosts: ['example.us.aldryn.io', 'www.example.com', 'old.example.com'],
        redirectHosts: ['old.example.com'],
        sslRedirect: true,
        secretKey: '***',
      },
    });
  });
  it('no password key without a password; azure and file shapes', () => {
    const az = toPublicJson(
      readDivioEnv(
        {
          DATABASE_URL: 'mysql://root@database_default:3306/db',
          DEFAULT_STORAGE_DSN: 'az://acct:S0meKey@blob.core.windows.net/c',
        },
        quiet,
      ),
    );
    expect(az.database).not.toHaveProperty('password');
    expect(az.storage).toEqual({
      backend: 'azure',
      account: 'acct',
      container: 'c',
      credential: 'key',
      endpoint: 'https://acct.blob.core.windows.net',
      publicBaseUrl: 'https://acct.blob.core.windows.net/c/',
    });
    expect(JSON.stringify(az)).not.toContain('S0meKey');
    const file = toPublicJson(readDivioEnv({}, quiet));
    expect(file.storage).toEqual({
      backend: 'file',
      root: '/srv/app/data/media',
      publicBaseUrl: '/media/',
    });
    expect(file.database).toMatchObject({ client: 'better-sqlite3', inMemory: true, host: null });
  });
  it('JSON.stringify of the whole config shows no credential', () => {
    const text = JSON.stringify(readDivioEnv(cloudEnv, quiet));
    expect(text).not.toMatch(/live-secret-key-value|db-pass-123|TZJYGCfUZheXG/);
  });
});
