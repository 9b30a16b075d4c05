// createStorage loads only the SDK of the backend the configuration names: the AWS and
// Azure SDKs are most of what a server would otherwise evaluate at start (time and idle
// memory, docs/benchmarks.md). A real child process imports the built package through its
// public entry and records, with a module resolution hook, every package it resolves.
import { spawnSync } from 'node:child_process';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built package (the turbo `test` task builds first).
const entry = new URL('../dist/index.js', import.meta.url).href;
// The child resolves `@divio-samples/divio-env` as this package does.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * The packages under node_modules that importing the entry and `createStorage` of the
 * storage `dsn` names resolve (divio-env parses the DSN, as in an app).
 */
function packagesLoaded(dsn: string): string[] {
  const script = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    const match = /.*\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
    if (match) seen.add(match[1]);
    return result;
  },
});
const { readStorage } = await import('@divio-samples/divio-env');
const { createStorage } = await import(${JSON.stringify(entry)});
const storage = await createStorage(readStorage({ DEFAULT_STORAGE_DSN: ${JSON.stringify(dsn)} }));
await storage.close();
process.stdout.write(JSON.stringify([...seen].sort()));
`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as string[];
}

const ACCOUNT_KEY = Buffer.from('not a real account key').toString('base64');
const dsn = {
  s3: 's3://KEY:SECRET@media.s3.eu-central-1.amazonaws.com/',
  azure: `az://myaccount:${encodeURIComponent(ACCOUNT_KEY)}@blob.core.windows.net/media`,
  file: `file://${tmpdir()}/lazy-sdk-test/?url=%2Fmedia%2F`,
};

const sdk = (packages: string[]) =>
  packages.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@azure/'));

// The hook needs module.registerHooks (Node 22.15+); on an older Node these tests skip,
// which fails a run under CI=true, where the suites run on the Node of .node-version.
describe.skipIf(!('registerHooks' in nodeModule))('createStorage loads one SDK', () => {
  it('file storage loads neither the AWS nor the Azure SDK', () => {
    expect(sdk(packagesLoaded(dsn.file))).toEqual([]);
  });

  it('s3 loads the AWS SDK only (the control: the hook sees what is loaded)', () => {
    const loaded = sdk(packagesLoaded(dsn.s3));
    expect(loaded).toContain('@aws-sdk/client-s3');
    expect(loaded.filter((name) => name.startsWith('@azure/'))).toEqual([]);
  });

  it('azure loads the Azure SDK only', () => {
    const loaded = sdk(packagesLoaded(dsn.azure));
    expect(loaded).toContain('@azure/storage-blob');
    expect(loaded.filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
