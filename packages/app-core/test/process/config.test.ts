import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/process/config.js';

const quiet = { onWarning: () => {} };
const base = { STAGE: 'test', SECRET_KEY: 'a-test-secret-that-is-long-enough' };

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig(base, quiet);
    expect(config.maxUploadBytes).toBe(524_288_000);
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.logLevel).toBe('info');
    expect(config.divio.stage).toBe('test');
  });

  it('reads the app settings, treating empty values as unset', () => {
    const config = loadConfig(
      { ...base, MAX_UPLOAD_BYTES: '5242880', SHUTDOWN_TIMEOUT_MS: '', LOG_LEVEL: 'WARN' },
      quiet,
    );
    expect(config.maxUploadBytes).toBe(5_242_880);
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.logLevel).toBe('warn');
  });

  it('reads the timeouts (defaults: database 5 s, headers 10 s, idle 30 s)', () => {
    const defaults = loadConfig(base, quiet);
    expect(defaults.databaseTimeoutMs).toBe(5_000);
    expect(defaults.headersTimeoutMs).toBe(10_000);
    expect(defaults.idleTimeoutMs).toBe(30_000);
    const set = loadConfig(
      { ...base, DATABASE_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '2000', IDLE_TIMEOUT_MS: '3000' },
      quiet,
    );
    expect([set.databaseTimeoutMs, set.headersTimeoutMs, set.idleTimeoutMs]).toEqual([
      1500, 2000, 3000,
    ]);
  });

  it('refuses a timeout that is not a positive whole number, naming the variable', () => {
    for (const name of ['DATABASE_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS', 'IDLE_TIMEOUT_MS']) {
      for (const bad of ['0', '5s', '-1', '1.5']) {
        expect(() => loadConfig({ ...base, [name]: bad }, quiet)).toThrow(
          expect.objectContaining({ name: 'ConfigError', variables: [name] }),
        );
      }
    }
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(
        {
          ...base,
          MAX_UPLOAD_BYTES: '5MB',
          SHUTDOWN_TIMEOUT_MS: '-1',
          LOG_LEVEL: 'loud',
          PORT: 'x',
        },
        quiet,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { variables, message } = error as ConfigError;
    expect(variables).toEqual(
      expect.arrayContaining(['MAX_UPLOAD_BYTES', 'SHUTDOWN_TIMEOUT_MS', 'LOG_LEVEL', 'PORT']),
    );
    expect(message).toContain('MAX_UPLOAD_BYTES');
  });

  it('never prints the database password', () => {
    let message = '';
    try {
      loadConfig(
        { ...base, DATABASE_URL: 'nosuch://u:hunter2-secret@h/db', MAX_UPLOAD_BYTES: 'x' },
        quiet,
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2-secret');
  });

  it('refuses the in-memory database and local file fallbacks in live', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        {
          STAGE: 'live',
          SECRET_KEY: 'a-live-secret-that-is-long-enough-123456',
          DOMAIN: 'x.example',
        },
        quiet,
      );
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.variables).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'DEFAULT_STORAGE_DSN']),
    );
  });

  it('accepts live with real services', () => {
    const config = loadConfig(
      {
        STAGE: 'live',
        SECRET_KEY: 'a-live-secret-that-is-long-enough-123456',
        DOMAIN: 'x.example',
        DATABASE_URL: 'postgres://u:p@db:5432/app',
        DEFAULT_STORAGE_DSN: 's3://KEY:SECRET@bucket.s3.eu-central-1.amazonaws.com/',
      },
      quiet,
    );
    expect(config.divio.database.client).toBe('pg');
    expect(config.divio.storage.backend).toBe('s3');
  });
});
