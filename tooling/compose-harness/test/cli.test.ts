import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { expressManifest, tempDir } from './helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir();
  for (const name of ['express', 'koa']) {
    mkdirSync(join(dir.path, 'apps', name), { recursive: true });
    writeFileSync(
      join(dir.path, 'apps', name, 'sample.json'),
      JSON.stringify({ ...expressManifest, name, framework: name }),
    );
  }
});
afterAll(() => dir.remove());

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('compose-harness CLI', () => {
  it('matrix --json prints the GitHub Actions matrix from the manifests', async () => {
    const { code, out } = await cli('matrix', '--json', '--root', dir.path);
    expect(code).toBe(0);
    const matrix = JSON.parse(out);
    expect(matrix.include).toHaveLength(12);
    expect(matrix.include[0]).toEqual({
      app: 'express',
      db: 'postgres',
      storage: 'file',
      id: 'express-postgres-file',
    });
  });

  it('matrix takes filters (repeated or comma-separated) and a coverage', async () => {
    const { out } = await cli(
      'matrix',
      '--root',
      dir.path,
      '--app',
      'koa',
      '--storage',
      's3,azure',
      '--coverage',
      'minimal',
    );
    expect(out.split('\n')).toEqual(['koa · mysql · s3', 'koa · postgres · azure']);
  });

  it('answers bad input with exit 2 and a message naming the flag', async () => {
    expect(await cli('matrix', '--root', dir.path, '--db', 'oracle')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--db "oracle": unknown; choose from postgres, mysql'),
    });
    expect(await cli('run', '--root', dir.path, '--jobs', '0')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--jobs "0": expected a positive integer'),
    });
    expect(await cli('run', '--root', dir.path, '--services', 'some')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--services "some": choose from shared, per-cell'),
    });
    expect(await cli('run', '--root', dir.path, '--images', 'remote')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--images "remote": choose from official, local'),
    });
    expect(await cli('frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(await cli('matrix', '--nope')).toMatchObject({
      code: 2,
      err: expect.stringContaining("'--nope'"),
    });
  });

  it('prints usage', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toContain('compose-harness matrix [filters]');
  });
});
