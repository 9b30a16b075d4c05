import { describe, expect, it } from 'vitest';
import { isMediaKey, isUuid, mediaKey, safeExtension } from '../../src/media/keys.js';

const ID = '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11';

describe('safeExtension and mediaKey', () => {
  it.each([
    ['photo.png', '.png'],
    ['PHOTO.JPEG', '.jpeg'],
    ['archive.tar.gz', '.gz'],
    ['noext', ''],
    ['.bashrc', ''],
    ['weird.p ng', ''],
    ['long.abcdefghijk', ''],
    ['ten.abcdefghij', '.abcdefghij'],
    ['unicode.pñg', ''],
    ['trailing.', ''],
    ['x.png/../y', ''],
  ])('%j -> %j', (name, ext) => {
    expect(safeExtension(name)).toBe(ext);
  });

  it('builds keys from the id and the vetted extension only', () => {
    expect(mediaKey(ID, 'Holiday Photo.PNG')).toBe(`media/${ID}.png`);
    expect(mediaKey(ID, 'README')).toBe(`media/${ID}`);
    expect(isMediaKey(`media/${ID}.png`)).toBe(true);
    expect(isMediaKey(`media/${ID}`)).toBe(true);
    expect(isMediaKey(`media/../${ID}.png`)).toBe(false);
    expect(isMediaKey('media/x.png')).toBe(false);
  });
});

describe('isUuid', () => {
  it.each([
    [ID, true],
    [ID.toUpperCase(), true],
    ['not-a-uuid', false],
    [`${ID}0`, false],
    ['', false],
  ])('%j: %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
