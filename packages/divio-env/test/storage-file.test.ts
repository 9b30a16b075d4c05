import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_DIR, type FileStorageConfig, readStorage } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const cwd = '/srv/app';
const file = (dsn: string): FileStorageConfig => {
  const config = readStorage({ DEFAULT_STORAGE_DSN: dsn }, { cwd });
  if (config.backend !== 'file') throw new Error(`expected file, got ${config.backend}`);
  return config;
};

describe('file: DSNs', () => {
  const cases: [string, string, string][] = [
    // The facts file's documented local value.
    ['file:///data/media/?url=%2Fmedia%2F', '/data/media', '/media/'],
    ['file:///data/media', '/data/media', '/media/'],
    ['file:///data/media/', '/data/media', '/media/'],
    ['file:///', '/', '/media/'],
    ['file://localhost/data/media', '/data/media', '/media/'],
    ['file:///data/my%20media?url=/m', '/data/my media', '/m/'],
    [
      'file:///data/media?url=https%3A%2F%2Fcdn.example.com%2Fmedia',
      '/data/media',
      'https://cdn.example.com/media/',
    ],
    // Relative forms resolve against cwd.
    ['file://./data/media', '/srv/app/data/media', '/media/'],
    ['file://../shared/media', '/srv/shared/media', '/media/'],
    ['file:data/media', '/srv/app/data/media', '/media/'],
    ['file:./data/media?url=/files/', '/srv/app/data/media', '/files/'],
    ['file:/abs/dir', '/abs/dir', '/media/'],
    ['FILE:///data/media', '/data/media', '/media/'],
  ];
  it.each(cases)('%s', (dsn, root, publicBaseUrl) => {
    expect(file(dsn)).toEqual({ backend: 'file', root, publicBaseUrl, fallback: false });
  });

  it.each(['file://server/share', 'file:', 'file://', 'file:///data%ZZ'])('rejects %s', (dsn) => {
    const error = expectDivioEnvError(() => file(dsn));
    expect(error.problems[0]?.variable).toBe('DEFAULT_STORAGE_DSN');
  });
});

describe('no storage configured', () => {
  it('local files under ./data/media, /media/, flagged as fallback', () => {
    expect(readStorage({}, { cwd })).toEqual({
      backend: 'file',
      root: '/srv/app/data/media',
      publicBaseUrl: '/media/',
      fallback: true,
    });
  });
  it('defaults to process.cwd()', () => {
    const c = readStorage({ DEFAULT_STORAGE_DSN: '' });
    expect(c).toMatchObject({ root: resolve(process.cwd(), DEFAULT_MEDIA_DIR), fallback: true });
  });
  it('reads another prefix', () => {
    const c = readStorage({ PRIVATE_STORAGE_DSN: 'file:///private' }, { prefix: 'private', cwd });
    expect(c).toMatchObject({ backend: 'file', root: '/private' });
  });
  it('names an unknown scheme', () => {
    const error = expectDivioEnvError(() => readStorage({ DEFAULT_STORAGE_DSN: 'ftp://u:pw@x/' }));
    expect(error.problems[0]?.expected).toContain('not "ftp"');
    expect(error.problems[0]?.value).toBe('ftp://u:***@x/');
  });
  it('rejects a value without a scheme', () => {
    const error = expectDivioEnvError(() => readStorage({ DEFAULT_STORAGE_DSN: '/data/media' }));
    expect(error.problems[0]?.expected).toMatch(/s3:\/\/.*az:\/\/.*file:/);
  });
});
