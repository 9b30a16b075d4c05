import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/media/database.js';
import { readiness } from '../../src/process/health.js';

describe('readiness', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
  });
  afterAll(() => knex.destroy());

  const okStorage = { check: () => Promise.resolve() };

  it('reports pending migrations, then ok once migrated', async () => {
    const before = await readiness({
      knex,
      storage: okStorage,
      shutdownState: { shuttingDown: false },
    });
    expect(before.status).toBe('unavailable');
    expect(before.checks.database).toEqual({ ok: true });
    expect(before.checks.migrations).toEqual({
      ok: false,
      error: 'pending migrations: 001-create-media',
    });
    await migrateLatest(knex);
    const after = await readiness({
      knex,
      storage: okStorage,
      shutdownState: { shuttingDown: false },
    });
    expect(after).toEqual({
      status: 'ok',
      checks: {
        database: { ok: true },
        migrations: { ok: true },
        storage: { ok: true },
        shutdown: { ok: true },
      },
    });
  });

  it('fails the storage check with a redacted error, and a hanging check after its timeout', async () => {
    const failing = {
      check: () =>
        Promise.reject(new Error('GET https://acct.blob.core.windows.net/c?sig=SECRETSIG failed')),
    };
    const result = await readiness({
      knex,
      storage: failing,
      shutdownState: { shuttingDown: false },
    });
    expect(result.status).toBe('unavailable');
    expect(result.checks.storage.ok).toBe(false);
    expect(result.checks.storage.error).not.toContain('SECRETSIG');

    const hanging = { check: () => new Promise<void>(() => {}) };
    const started = Date.now();
    const slow = await readiness({
      knex,
      storage: hanging,
      shutdownState: { shuttingDown: false },
      timeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.checks.storage).toEqual({ ok: false, error: 'no answer within 200 ms' });
  });

  it('turns unavailable once shutdown started', async () => {
    const result = await readiness({
      knex,
      storage: okStorage,
      shutdownState: { shuttingDown: true },
    });
    expect(result.status).toBe('unavailable');
    expect(result.checks.shutdown).toEqual({ ok: false, error: 'shutting down' });
  });
});
