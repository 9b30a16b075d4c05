// Spawns the built bin (dist/, made by `build`, which turbo runs before `test`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(pkg, 'bin', 'divio-env.js');

beforeAll(() => {
  if (!existsSync(join(pkg, 'dist', 'cli.js'))) {
    // Running vitest alone, without `turbo run test`: build first.
    execFileSync(
      process.execPath,
      [join(pkg, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: pkg,
      },
    );
  }
});

/** A clean environment: PATH only, so the host's variables never leak in. */
function run(args: string[], env: Record<string, string> = {}, cwd = pkg) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'divio-env-cli-'));
const envFile = join(dir, '.env-local');
writeFileSync(
  envFile,
  [
    '# Divio quickstart .env-local',
    'DATABASE_URL=postgres://postgres:file-db-pass@database_default:5432/db',
    'DEFAULT_STORAGE_DSN=file:///data/media/?url=%2Fmedia%2F',
    'DOMAIN_ALIASES=localhost, 127.0.0.1, 0.0.0.0',
    'SECURE_SSL_REDIRECT=False',
    'PORT=8000',
  ].join('\n'),
);

describe('divio-env check', () => {
  it('prints the resolved config as JSON and exits 0', () => {
    const r = run(['check']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual([
      'port',
      'stage',
      'debug',
      'database',
      'storage',
      'security',
    ]);
    expect(json.database).toMatchObject({ client: 'better-sqlite3', inMemory: true });
    expect(json.storage).toEqual({
      backend: 'file',
      root: join(pkg, 'data', 'media'),
      publicBaseUrl: '/media/',
    });
    expect(r.stderr).toMatch(/SECRET_KEY is not set/);
  });

  it('reads --env-file; the process environment overrides it', () => {
    const r = run(['check', '--env-file', envFile], {
      PORT: '9000',
      DOMAIN: 'proc.example',
      STAGE: '',
    });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.port).toBe(9000);
    expect(json.database).toEqual({
      client: 'pg',
      host: 'database_default',
      port: 5432,
      user: 'postgres',
      database: 'db',
      socketPath: null,
      filename: null,
      inMemory: false,
      options: {},
      password: '***',
    });
    expect(json.storage).toEqual({
      backend: 'file',
      root: '/data/media',
      publicBaseUrl: '/media/',
    });
    expect(json.security).toEqual({
      domain: 'proc.example',
      allowedHosts: ['proc.example', 'localhost', '127.0.0.1', '0.0.0.0'],
      redirectHosts: [],
      sslRedirect: false,
      secretKey: '***',
    });
    expect(r.stdout + r.stderr).not.toContain('file-db-pass');
  });

  it('--env-file=FILE form and repeated files (later wins)', () => {
    const second = join(dir, 'second.env');
    writeFileSync(second, 'PORT=7000\n');
    const r = run(['check', `--env-file=${envFile}`, '--env-file', second]);
    expect(JSON.parse(r.stdout).port).toBe(7000);
  });

  it('prints every problem, no secret, and exits 1', () => {
    const r = run(['check'], {
      STAGE: 'live',
      PORT: '0',
      DATABASE_URL: 'postgres://u:cli-secret-pw@h:70000/d',
      DEFAULT_STORAGE_DSN: 's3://KEY:cli-storage-secret@nowhere/',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Invalid Divio environment \(4 problems\)/);
    for (const name of ['PORT', 'DATABASE_URL', 'DEFAULT_STORAGE_DSN', 'SECRET_KEY']) {
      expect(r.stderr).toContain(`- ${name}:`);
    }
    expect(r.stderr).toContain('postgres://u:***@h:70000/d');
    expect(r.stderr).not.toMatch(/cli-secret-pw|cli-storage-secret/);
  });

  it('--json prints problems as JSON on stdout too', () => {
    const r = run(['check', '--json'], { DEBUG: 'loud' });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      problems: [
        { variable: 'DEBUG', expected: expect.stringMatching(/^a boolean/), value: 'loud' },
      ],
    });
  });

  it('reports a bad env file line by number, exit 1', () => {
    const bad = join(dir, 'bad.env');
    writeFileSync(bad, 'GOOD=1\nthis line has a secret-ish value\n');
    const r = run(['check', '--env-file', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:2`);
    expect(r.stderr).not.toContain('secret-ish');
  });

  it('an unreadable env file exits 2 (main, in-process)', async () => {
    const errors: string[] = [];
    const status = await main(['check', '--env-file', join(dir, 'missing.env')], {
      env: {},
      stdout: () => {},
      stderr: (text) => errors.push(text),
    });
    expect(status).toBe(2);
    expect(errors.join('')).toMatch(/cannot read env file .*missing\.env \(ENOENT\)/);
  });

  it('a missing env file through the bin: node itself refuses it first (exit 9)', () => {
    // Node scans the whole argv for --env-file and exits 9 on a missing file before any
    // JavaScript runs (an existing file is left to divio-env). Documented in the README.
    const r = run(['check', '--env-file', join(dir, 'missing.env')]);
    expect(r.status).not.toBe(0);
    expect([2, 9]).toContain(r.status);
    expect(r.stderr).toMatch(/missing\.env/);
  });

  it.each([['--help'], ['-h'], ['help'], ['check', '--help']])(
    '%s prints usage, exit 0',
    (...args) => {
      const r = run(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: divio-env check/);
    },
  );

  it.each([[[]], [['frobnicate']], [['check', '--bogus']], [['check', '--env-file']]])(
    '%j is a usage error, exit 2',
    (args) => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Usage: divio-env check/);
    },
  );

  it.each([
    [['check', '--env-file='], /--env-file needs a file name/],
    [['check', '--env-file', '--json'], /Option '--env-file[^']*' argument is ambiguous\n/],
    [['check', '--bogus'], /Unknown option '--bogus'\n/],
    [['check', 'extra'], /unexpected argument "extra"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /missing command/],
  ])('%j: the usage error names the problem (main, in-process)', async (args, message) => {
    // In-process: Node itself would intercept some of these `--env-file` forms (README).
    const errors: string[] = [];
    const status = await main(args, { env: {}, stdout: () => {}, stderr: (t) => errors.push(t) });
    expect(status).toBe(2);
    expect(errors.join('')).toMatch(message);
    expect(errors.join('')).toMatch(/Usage: divio-env check/);
  });

  it('works as `pnpm exec divio-env check` from the workspace root', () => {
    const root = join(pkg, '..', '..');
    const linked = join(root, 'node_modules', '.bin', 'divio-env');
    expect(existsSync(linked), 'root devDependency links the bin').toBe(true);
    const r = spawnSync(linked, ['check'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', SECRET_KEY: 'k' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).storage.root).toBe(join(root, 'data', 'media'));
  });
});
