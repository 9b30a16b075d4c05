import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  isInlineSafe,
  normalizeContentType,
} from '../../src/media/content-type.js';

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

  it('percent-encodes the filename as RFC 8187 wants, ASCII names included', () => {
    expect(contentDisposition('page.html', 'text/html')).toBe(
      "attachment; filename*=UTF-8''page.html",
    );
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
