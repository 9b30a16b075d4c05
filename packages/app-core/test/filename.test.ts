import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  isInlineSafe,
  isMediaKey,
  mediaKey,
  normalizeContentType,
  safeExtension,
  sanitizeFilename,
} from '../src/filename.js';

const ID = '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11';

describe('sanitizeFilename', () => {
  it.each([
    ['photo.png', 'photo.png'],
    ['../../x.png', 'x.png'],
    ['/etc/passwd', 'passwd'],
    ['a\\b.png', 'b.png'],
    ['C:\\Users\\me\\My Photo.JPG', 'My Photo.JPG'],
    ['..\\..\\evil.sh', 'evil.sh'],
    ['dir/', 'upload'],
    ['..', 'upload'],
    ['.', 'upload'],
    ['', 'upload'],
    [undefined, 'upload'],
    ['a\u0000b\u001fc\u007fd\u009f.txt', 'abcd.txt'],
    ['line\r\nbreak.txt', 'linebreak.txt'],
    ['\u0000', 'upload'],
    // NFD "é" (e + combining acute) becomes the single NFC code point.
    ['cafe\u0301.png', 'caf\u00e9.png'],
    ['日本語のファイル.pdf', '日本語のファイル.pdf'],
    ['emoji 🎉.gif', 'emoji 🎉.gif'],
    ['  spaced  .txt', '  spaced  .txt'],
    ['<script>alert(1)</script>.html', 'script>.html'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('cuts long names to 255 characters, keeping the extension', () => {
    const name = sanitizeFilename(`${'a'.repeat(300)}.png`);
    expect(Array.from(name)).toHaveLength(255);
    expect(name.endsWith('.png')).toBe(true);
  });

  it('counts code points, never splitting a surrogate pair', () => {
    const name = sanitizeFilename('🎉'.repeat(300));
    expect(Array.from(name)).toHaveLength(255);
    expect(name).toBe('🎉'.repeat(255));
  });

  it('leaves a 255-character name alone', () => {
    const exact = `${'b'.repeat(251)}.txt`;
    expect(sanitizeFilename(exact)).toBe(exact);
  });
});

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

describe('normalizeContentType', () => {
  it.each([
    ['image/png', 'image/png'],
    ['IMAGE/PNG', 'image/png'],
    ['text/plain; charset=utf-8', 'text/plain'],
    ['application/vnd.ms-excel', 'application/vnd.ms-excel'],
    ['image/svg+xml', 'image/svg+xml'],
    ['', 'application/octet-stream'],
    [undefined, 'application/octet-stream'],
    ['png', 'application/octet-stream'],
    ['image/', 'application/octet-stream'],
    ['/png', 'application/octet-stream'],
    ['image/png/extra', 'application/octet-stream'],
    ['text/html\r\nX-Evil: 1', 'application/octet-stream'],
    ['image/p ng', 'application/octet-stream'],
  ])('%j -> %j', (declared, expected) => {
    expect(normalizeContentType(declared)).toBe(expected);
  });
});

describe('isInlineSafe and contentDisposition', () => {
  it.each([
    ['image/png', true],
    ['image/jpeg', true],
    ['image/gif', true],
    ['image/webp', true],
    ['image/avif', true],
    ['text/plain', true],
    ['application/pdf', true],
    ['video/mp4', true],
    ['audio/mpeg', true],
    ['image/svg+xml', false],
    ['text/html', false],
    ['application/xhtml+xml', false],
    ['text/xml', false],
    ['application/javascript', false],
    ['text/javascript', false],
    ['application/octet-stream', false],
    ['image/bmp', false],
  ])('%s inline: %s', (type, inline) => {
    expect(isInlineSafe(type)).toBe(inline);
    const disposition = contentDisposition('a.bin', type);
    if (inline) expect(disposition).toBeUndefined();
    else expect(disposition).toBe("attachment; filename*=UTF-8''a.bin");
  });

  it('percent-encodes the filename as RFC 8187 wants', () => {
    expect(contentDisposition("my page (1)'s*.html", 'text/html')).toBe(
      "attachment; filename*=UTF-8''my%20page%20%281%29%27s%2A.html",
    );
    expect(contentDisposition('café.svg', 'image/svg+xml')).toBe(
      "attachment; filename*=UTF-8''caf%C3%A9.svg",
    );
    expect(contentDisposition('a";evil=1.html', 'text/html')).toBe(
      "attachment; filename*=UTF-8''a%22%3Bevil%3D1.html",
    );
  });
});
