// contentReply: what every app answers for media content (redirect, 200, 304, HEAD).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentReply } from '../../src/http/content.js';
import type { MediaContent } from '../../src/media/service.js';

const LAST_MODIFIED = 'Fri, 27 Nov 2026 10:00:00 GMT';

function file(over: Partial<Extract<MediaContent, { kind: 'stream' }>> = {}) {
  const stream = Readable.from([Buffer.from('hello')]);
  return {
    kind: 'stream' as const,
    stream,
    size: 5,
    contentType: 'image/png',
    etag: '"abc"',
    disposition: undefined,
    lastModified: new Date('2026-11-27T10:00:00.000Z'),
    ...over,
  };
}

const FULL = {
  'Content-Type': 'image/png',
  'Content-Length': '5',
  ETag: '"abc"',
  'Last-Modified': LAST_MODIFIED,
  'Cache-Control': 'private, max-age=3600',
  'X-Content-Type-Options': 'nosniff',
};
const VALIDATORS = {
  ETag: '"abc"',
  'Last-Modified': LAST_MODIFIED,
  'Cache-Control': 'private, max-age=3600',
};

describe('contentReply', () => {
  it('a cloud object: a 302 to the store, cached briefly, with an empty body', () => {
    const reply = contentReply(
      { kind: 'redirect', location: 'https://bucket.example/k?sig=1' },
      { method: 'GET', headers: {} },
    );
    expect(reply).toEqual({
      status: 302,
      headers: {
        'Cache-Control': 'private, max-age=60',
        Location: 'https://bucket.example/k?sig=1',
        'Content-Length': '0',
      },
    });
  });

  it.each([
    ['GET', {}, 200, FULL, true],
    ['HEAD', {}, 200, FULL, false],
    ['GET', { 'if-none-match': '"abc"' }, 304, VALIDATORS, false],
    ['GET', { 'if-none-match': 'W/"abc"' }, 304, VALIDATORS, false],
    ['GET', { 'if-none-match': '"x", "abc"' }, 304, VALIDATORS, false],
    ['GET', { 'if-none-match': '*' }, 304, VALIDATORS, false],
    ['HEAD', { 'if-none-match': '"abc"' }, 304, VALIDATORS, false],
    ['GET', { 'if-none-match': '"abcd"' }, 200, FULL, true],
    ['GET', { 'if-none-match': '' }, 200, FULL, true],
    // If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2).
    [
      'GET',
      { 'if-none-match': '"other"', 'if-modified-since': 'Sat, 28 Nov 2026 10:00:00 GMT' },
      200,
      FULL,
      true,
    ],
    ['GET', { 'if-modified-since': LAST_MODIFIED }, 304, VALIDATORS, false],
    ['GET', { 'if-modified-since': 'Thu, 26 Nov 2026 10:00:00 GMT' }, 200, FULL, true],
    // A reload (browsers, and fetch() with any conditional header, add no-cache): still 304.
    ['GET', { 'if-none-match': '"abc"', 'cache-control': 'no-cache' }, 304, VALIDATORS, false],
    ['GET', { 'cache-control': 'no-cache' }, 200, FULL, true],
  ])('%s with %j: %i', (method, headers, status, expected, streams) => {
    const content = file();
    const reply = contentReply(content, { method, headers });
    expect(reply).toMatchObject({ status, headers: expected });
    expect(reply.body === undefined).toBe(!streams);
    // Whatever does not go out is released at once.
    expect(content.stream.destroyed).toBe(!streams);
  });

  it('adds the download disposition to content a browser could run', () => {
    const disposition = "attachment; filename*=UTF-8''a.html";
    const reply = contentReply(file({ contentType: 'text/html', disposition }), {
      method: 'GET',
      headers: {},
    });
    expect(reply.headers['Content-Disposition']).toBe(disposition);
    expect(reply.headers['X-Content-Type-Options']).toBe('nosniff');
  });
});
