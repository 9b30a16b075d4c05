// The browser suite itself, in Chromium, against a minimal upload page (fixtures/): it
// passes on a page that works, fails when the listed image cannot be decoded, and skips
// (or fails under CI=true) when Chromium is missing.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, defineBrowserSuite } from '../src/browser.js';

const fixture = fileURLToPath(new URL('./fixtures/upload-fixture.mjs', import.meta.url));
const bin = fileURLToPath(new URL('../bin/contract-tests.js', import.meta.url));
const children: ChildProcess[] = [];

/** Starts the fixture page; resolves to its base URL. */
function startFixture(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
}

function runCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
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

const browserArgs = (base: string) => [
  'run',
  '--base-url',
  base,
  '--framework',
  'fixture',
  '--database',
  'better-sqlite3',
  '--storage',
  'file',
  '--browser',
  '--filter',
  'browser: the upload form',
];

let good = '';
let broken = '';
beforeAll(async () => {
  [good, broken] = await Promise.all([startFixture(), startFixture('--broken-images')]);
});
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

describe('defineBrowserSuite on a working page', () => {
  defineBrowserSuite(() => ({ baseUrl: good }));
});

describe('defineBrowserSuite through the CLI', () => {
  it('fails when the listed image does not decode', async (ctx) => {
    if (!existsSync(chromiumPath())) return ctx.skip(`Chromium not found at ${chromiumPath()}`);
    const { code, output } = await runCli(browserArgs(broken), {});
    expect(code, output.slice(-1500)).toBe(1);
    expect(output).toMatch(/uploads a PNG through the form/);
  }, 120_000);

  it('skips with a message when Chromium is missing, and fails instead under CI=true', async () => {
    const missing = { CHROMIUM_PATH: '/nonexistent/chromium' };
    const local = await runCli(browserArgs(good), { ...missing, CI: undefined });
    expect(local.code, local.output.slice(-1500)).toBe(0);
    expect(local.output).toMatch(/Chromium not found at \/nonexistent\/chromium/);
    const ci = await runCli(browserArgs(good), { ...missing, CI: 'true' });
    expect(ci.code, ci.output.slice(-1500)).toBe(1);
    expect(ci.output).toMatch(/CI=true requires it/);
  }, 120_000);
});
