import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/process/config.js';
import { createRuntime } from '../../src/process/runtime.js';

const quiet = { write: () => {} };
const base = { STAGE: 'test', SECRET_KEY: 'a-test-secret-that-is-long-enough-0123' };

describe('createRuntime', () => {
  it('reports what /api/info shows and lists the storage origins for the CSP', async () => {
    const runtime = await createRuntime(
      {
        ...base,
        DATABASE_URL: 'postgres://app:pw@db.internal:5432/app',
        DEFAULT_STORAGE_DSN:
          's3://KEY:SECRET@example-bucket.s3.eu-central-1.amazonaws.com/?domain=media.example.com',
      },
      { framework: 'test', version: '1.2.3', logDestination: quiet },
    );
    try {
      expect(runtime.info).toEqual({
        framework: 'test',
        version: '1.2.3',
        stage: 'test',
        database: 'pg',
        storage: 's3',
        node: process.version,
      });
      expect(runtime.mediaOrigins).toContain('https://media.example.com');
      expect(runtime.mediaOrigins.some((o) => o.includes('amazonaws.com'))).toBe(true);
      expect(JSON.stringify(runtime.info)).not.toContain('SECRET');
    } finally {
      await runtime.close();
      await runtime.close(); // idempotent
    }
  });

  it('rejects with ConfigError before creating anything', async () => {
    await expect(
      createRuntime({ ...base, LOG_LEVEL: 'chatty' }, { framework: 'x', version: '0.0.0' }),
    ).rejects.toThrow(ConfigError);
  });

  it('has no media origins for local files', async () => {
    const runtime = await createRuntime(
      {
        ...base,
        DATABASE_URL: 'sqlite://:memory:',
        DEFAULT_STORAGE_DSN: 'file:///tmp/x/?url=%2Fmedia%2F',
      },
      { framework: 'x', version: '0.0.0', logDestination: quiet },
    );
    expect(runtime.mediaOrigins).toEqual([]);
    expect(runtime.info.database).toBe('better-sqlite3');
    await runtime.close();
  });
});
