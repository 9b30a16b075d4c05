import { describe, expect, it } from 'vitest';
import { sanitizeFilename } from '../../src/media/filename.js';

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
