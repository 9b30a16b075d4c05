import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentHeaders, isNotModified } from '../src/media-service.js';

describe('contentHeaders', () => {
  const base = {
    kind: 'stream' as const,
    stream: Readable.from([]),
    size: 42,
    etag: '"abc"',
    lastModified: new Date('2026-11-27T10:00:00.000Z'),
  };
  it('sets type, length, validators, caching and nosniff; a disposition only when given', () => {
    expect(contentHeaders({ ...base, contentType: 'image/png', disposition: undefined })).toEqual({
      'Content-Type': 'image/png',
      'Content-Length': '42',
      ETag: '"abc"',
      'Last-Modified': 'Fri, 27 Nov 2026 10:00:00 GMT',
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(
      contentHeaders({
        ...base,
        contentType: 'text/html',
        disposition: "attachment; filename*=UTF-8''a.html",
      })['Content-Disposition'],
    ).toBe("attachment; filename*=UTF-8''a.html");
  });
});

describe('isNotModified', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
  ])('If-None-Match %j: %s', (header, expected) => {
    expect(isNotModified(header, '"abc"')).toBe(expected);
  });
});
