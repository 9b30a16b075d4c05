import { describe, expect, it } from 'vitest';
import {
  encodeKeyPath,
  keyProblem,
  newKey,
  StorageError,
  validateKey,
  validatePrefix,
} from '../src/index.js';

describe('validateKey', () => {
  it.each([
    'a',
    'media/3f9a.png',
    'uploads/2026/11/photo of me.jpg',
    'ünïcödé/😀.txt',
    'plus+and&hash#?.txt',
    'a..b/c',
    `${'x'.repeat(255)}/y`,
    'x/'.repeat(300).slice(0, 599),
  ])('accepts %j', (key) => {
    expect(validateKey(key)).toBe(key);
  });

  it.each([
    ['', /empty/],
    ['../x', /"\." or "\.\."/],
    ['a/../b', /"\." or "\.\."/],
    ['a/./b', /"\." or "\.\."/],
    ['/abs', /relative/],
    ['a\\b', /backslash/],
    ['a\u0000b', /control/],
    ['a\nb', /control/],
    ['a\rb', /control/],
    ['a\u007fb', /control/],
    ['a\u0085b', /control/],
    ['a//b', /empty segment/],
    ['a/', /end with/],
    ['.htaccess', /start with "\."/],
    ['a/.tmp/x', /start with "\."/],
    ['a./b', /end with "\."/],
    ['x'.repeat(256), /255 bytes/],
    ['ü'.repeat(128), /255 bytes/],
    [`${'a/'.repeat(512)}b`, /1024 bytes/],
    ['bad\ud800surrogate', /Unicode/],
  ])('rejects %j', (key, reason) => {
    expect(keyProblem(key)).toMatch(reason);
    let error: unknown;
    try {
      validateKey(key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('InvalidKey');
    expect((error as StorageError).message).toMatch(/^Invalid key: /);
    if (key.length > 4) expect((error as StorageError).message).not.toContain(key);
  });

  it('rejects non-strings', () => {
    expect(keyProblem(undefined)).toBe('key must be a string');
    expect(keyProblem(42)).toBe('key must be a string');
  });
});

describe('validatePrefix', () => {
  it('accepts empty, folder and partial prefixes', () => {
    for (const prefix of ['', 'uploads/', 'uploads/ph', 'photo.', 'a/b/']) {
      expect(validatePrefix(prefix)).toBe(prefix);
    }
    expect(validatePrefix(undefined)).toBe('');
  });

  it('rejects traversal and absolute prefixes', () => {
    for (const prefix of ['../', '/x', 'a//', 'a\\', '.tmp/']) {
      expect(() => validatePrefix(prefix)).toThrow(/Invalid prefix/);
    }
  });
});

describe('newKey', () => {
  const date = new Date(Date.UTC(2026, 10, 27));

  it('makes YYYY/MM/<random>-<slug>.<ext> keys that pass the policy', () => {
    const key = newKey('Mein Urlaubsfoto (1).JPG', { date });
    expect(key).toMatch(/^2026\/11\/[0-9a-f]{32}-mein-urlaubsfoto-1\.jpg$/);
    expect(validateKey(key)).toBe(key);
  });

  it('strips directories, accents, dangerous names and odd extensions', () => {
    expect(newKey('../../etc/passwd', { date })).toMatch(/^2026\/11\/[0-9a-f]{32}-passwd$/);
    expect(newKey('C:\\Users\\x\\Résumé.pdf', { date })).toMatch(/-resume\.pdf$/);
    expect(newKey('.htaccess', { date })).toMatch(/^2026\/11\/[0-9a-f]{32}-htaccess$/);
    expect(newKey('x.tar.gz', { date })).toMatch(/-x-tar\.gz$/);
    expect(newKey('evil.ph p', { date })).toMatch(/-evil$/);
    expect(newKey('', { date })).toMatch(/^2026\/11\/[0-9a-f]{32}$/);
    expect(newKey('😀😀😀.png', { date })).toMatch(/^2026\/11\/[0-9a-f]{32}\.png$/);
    expect(newKey('a'.repeat(500), { date }).length).toBeLessThan(110);
  });

  it('puts keys under a validated prefix and never repeats', () => {
    expect(newKey('a.png', { prefix: 'avatars/', date })).toMatch(/^avatars\/2026\/11\//);
    expect(() => newKey('a.png', { prefix: '../up' })).toThrow(StorageError);
    const keys = new Set(Array.from({ length: 1000 }, () => newKey('same.png')));
    expect(keys.size).toBe(1000);
  });
});

describe('encodeKeyPath', () => {
  it('encodes each segment and keeps slashes', () => {
    expect(encodeKeyPath('a b/ü?#&+.png')).toBe('a%20b/%C3%BC%3F%23%26%2B.png');
  });
});
