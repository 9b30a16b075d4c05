// better-sqlite3 is an optional dependency that the production images leave out (they are
// deployed with `pnpm deploy --no-optional`; a cloud environment has PostgreSQL or MySQL).
// Without it, a SQLite DATABASE_URL, or the in-memory SQLite fallback when DATABASE_URL is
// unset, must stop the release command and the server (both create the pool through
// createKnex) with one configuration error naming DATABASE_URL, not knex's
// "npm install better-sqlite3" advice and a stack trace. A real child process runs what
// apps/*/src/migrate.ts runs, with the driver hidden by a module resolution hook.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const hideDriver = fileURLToPath(new URL('../fixtures/hide-sqlite-driver.mjs', import.meta.url));
// The built package (the turbo `test` task builds first), through its public entry.
const entry = new URL('../../dist/index.js', import.meta.url).href;
const releaseCommand = `import { runMigrations, startupFailure } from ${JSON.stringify(entry)};
try { await runMigrations(); } catch (err) { startupFailure(err); }`;

const scratch = mkdtempSync(join(tmpdir(), 'app-core-sqlite-driver-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function release(env: Record<string, string>, options: { withoutDriver: boolean }) {
  const args = options.withoutDriver ? ['--import', hideDriver] : [];
  return spawnSync(process.execPath, [...args, '--input-type=module', '-e', releaseCommand], {
    cwd: scratch,
    env: {
      PATH: process.env.PATH ?? '',
      STAGE: 'local',
      SECRET_KEY: 'a-test-secret-that-is-long-enough-0123',
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

// The hook needs module.registerHooks (Node 22.15+); on an older Node these tests skip,
// which fails a run under CI=true, where the suites run on the Node of .node-version.
describe.skipIf(!('registerHooks' in nodeModule))('a build without the SQLite driver', () => {
  it('runs the release command on SQLite when the driver is installed (the control)', () => {
    const result = release({ DATABASE_URL: 'sqlite://:memory:' }, { withoutDriver: false });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Migrations: applied 1');
  });

  it('refuses the in-memory fallback (DATABASE_URL unset), naming DATABASE_URL', () => {
    const result = release({}, { withoutDriver: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('- DATABASE_URL: it is not set, so the in-memory SQLite');
    expect(result.stderr).toContain('no SQLite driver');
    expect(result.stderr).not.toContain('npm install');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a SQLite URL before touching the file system', () => {
    const file = join(scratch, 'nested', 'db.sqlite3');
    const result = release({ DATABASE_URL: `sqlite:///${file}` }, { withoutDriver: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('- DATABASE_URL: it names a SQLite database');
    expect(result.stderr).toContain('no SQLite driver');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(scratch, 'nested'))).toBe(false);
  });
});
