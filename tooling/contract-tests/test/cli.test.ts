// The CLI: argument checks, and a real run through vitest's Node API against a server
// that breaks the contract (so the run must fail and say so).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunArgs, UsageError } from '../src/cli.js';

const bin = fileURLToPath(new URL('../bin/contract-tests.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));

const required = [
  'run',
  '--base-url',
  'http://127.0.0.1:8000',
  '--framework',
  'express',
  '--database',
  'pg',
  '--storage',
  's3',
];

describe('parseRunArgs', () => {
  it('reads the required flags into a target', () => {
    expect(parseRunArgs(required)).toEqual({
      target: {
        baseUrl: 'http://127.0.0.1:8000',
        framework: 'express',
        database: 'pg',
        storage: 's3',
      },
      browser: false,
    });
  });

  it('reads the options and strips a trailing slash', () => {
    const args = [
      ...required,
      '--json-report',
      'r.json',
      '--browser',
      '--media-root',
      '/tmp/m',
      '--log-file',
      'app.log',
    ];
    args[2] = 'http://127.0.0.1:8000/';
    const options = parseRunArgs(args);
    expect(options).not.toBe('help');
    if (options === 'help') return;
    expect(options.target.baseUrl).toBe('http://127.0.0.1:8000');
    expect(options.target.mediaRoot).toBe('/tmp/m');
    expect(options.jsonReport).toMatch(/r\.json$/);
    expect(options.browser).toBe(true);
    expect(options.logFile).toMatch(/\/app\.log$/);
  });

  it.each([
    [['--framework', 'x'], /missing command: run/],
    [['go', ...required.slice(1)], /unknown command: go/],
    [required.filter((a) => a !== '--storage' && a !== 's3'), /--storage is required/],
    [required.map((a) => (a === 'pg' ? 'postgres' : a)), /--database: must be one of pg, mysql2/],
    [required.map((a) => (a === 's3' ? 'gcs' : a)), /--storage: must be one of s3, azure, file/],
    [required.map((a) => (a.startsWith('http') ? 'not a url' : a)), /--base-url: not a URL/],
    [
      required.map((a) => (a.startsWith('http') ? 'http://x/app' : a)),
      /--base-url: must have no path/,
    ],
  ])('refuses %j', (args, message) => {
    expect(() => parseRunArgs(args)).toThrow(message);
    try {
      parseRunArgs(args);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
    }
  });

  it('refuses unknown flags', () => {
    expect(() => parseRunArgs([...required, '--nope'])).toThrow(/nope/);
  });

  it('answers help', () => {
    expect(parseRunArgs(['--help'])).toBe('help');
  });
});

function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('contract-tests run (built CLI)', () => {
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    // turbo builds before it tests; a bare `vitest run` needs `npm run build` first.
    if (!built)
      throw new Error('dist/cli.js is missing: run `npm run build` in tooling/contract-tests');
    dir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
    // Healthy probes, and a JSON 404 for everything else: far from the contract.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/healthz') return res.end('{"status":"ok"}');
      res.statusCode = 404;
      res.end('{"error":{"code":"not_found","message":"no"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('--help prints the flags and exits 0', async () => {
    const { code, output } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--base-url', '--framework', '--database', '--storage', '--json-report']) {
      expect(output).toContain(flag);
    }
  });

  it('a bad flag exits 2 with the usage', async () => {
    const { code, output } = await runCli(['run', '--base-url', base]);
    expect(code).toBe(2);
    expect(output).toMatch(/--framework is required/);
  });

  it('fails (exit 1) against a server that breaks the contract, with a summary and a JSON report', async () => {
    const report = join(dir, 'report.json');
    const { code, output } = await runCli([
      'run',
      '--base-url',
      base,
      '--framework',
      'express',
      '--database',
      'better-sqlite3',
      '--storage',
      'file',
      '--json-report',
      report,
    ]);
    expect(code, output.slice(-2000)).toBe(1);
    expect(output).toMatch(/Tests\s+\d+ failed \| \d+ passed \(\d+\)/);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      numTotalTests: number;
      numFailedTests: number;
      numPassedTests: number;
    };
    expect(json.numTotalTests).toBeGreaterThan(100);
    expect(json.numFailedTests).toBeGreaterThan(100);
    // Only what such a server does get right can pass: /healthz.
    expect(json.numPassedTests).toBeLessThanOrEqual(3);
  }, 120_000);
});
