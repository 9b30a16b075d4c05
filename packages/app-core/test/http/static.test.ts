import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetUrl, isStaticAsset, staticDir } from '../../src/http/static.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'static-'));
  await writeFile(join(dir, 'app.css'), 'body{}');
  await writeFile(join(dir, '.hidden'), 'x');
  await mkdir(join(dir, 'fonts'));
  await writeFile(join(dir, 'fonts', 'a b.woff2'), 'x');
  await writeFile(join(dir, '..', `${dir.split('/').pop()}-outside.css`), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(dir, '..', `${dir.split('/').pop()}-outside.css`), { force: true });
});

describe('isStaticAsset', () => {
  it.each([
    ['app.css', true],
    ['/app.css', true],
    ['fonts/a%20b.woff2', true],
    ['fonts', false],
    ['', false],
    ['missing.css', false],
    ['.hidden', false],
    ['%2ehidden', false],
    ['fonts/../app.css', false],
    ['../outside.css', false],
    ['%2e%2e/%2e%2e/etc/passwd', false],
    ['..%2f..%2fetc%2fpasswd', false],
    ['app.css%00', false],
    ['%E0%A4%A', false],
  ])('%j: %s', (subPath, expected) => {
    expect(isStaticAsset(subPath, dir)).toBe(expected);
  });

  it('knows the built stylesheet, linked with its content hash', () => {
    expect(isStaticAsset('app.css')).toBe(true);
    expect(staticDir.endsWith(join('app-core', 'dist', 'static'))).toBe(true);
    expect(assetUrl('app.css')).toMatch(/^\/static\/app\.css\?v=[0-9a-f]{12}$/);
  });
});
