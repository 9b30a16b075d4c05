import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hasBody, mustClose } from '../../src/http/connection.js';

describe('hasBody', () => {
  it.each<[IncomingHttpHeaders, boolean]>([
    [{}, false],
    [{ 'content-length': '0' }, false],
    [{ 'content-length': '12' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
    [{ 'content-length': '0', 'transfer-encoding': 'chunked' }, true],
  ])('%j: %s', (headers, expected) => {
    expect(hasBody(headers)).toBe(expected);
  });
});

describe('mustClose (Connection: close)', () => {
  it.each<[string, IncomingHttpHeaders, boolean, number, boolean, boolean]>([
    // [what, headers, body complete, status, shutting down, close]
    ['no body, 200', {}, true, 200, false, false],
    ['no body, 404', {}, true, 404, false, false],
    ['no body, 405', {}, true, 405, false, false],
    ['no body, a redirect', {}, true, 301, false, false],
    ['Content-Length: 0, 415', { 'content-length': '0' }, true, 415, false, false],
    ['a body read to its end, 201', { 'content-length': '5' }, true, 201, false, false],
    ['a body read to its end, 400', { 'content-length': '5' }, true, 400, false, false],
    ['a body still arriving, 201', { 'content-length': '5' }, false, 201, false, true],
    ['a body still arriving, 404', { 'content-length': '5' }, false, 404, false, true],
    [
      'a chunked body still arriving, 308',
      { 'transfer-encoding': 'chunked' },
      false,
      308,
      false,
      true,
    ],
    ['413, whatever arrived', {}, true, 413, false, true],
    ['shutting down, no body', {}, true, 200, true, true],
  ])('%s: %s', (_name, headers, complete, status, shuttingDown, expected) => {
    expect(mustClose({ headers, complete }, status, shuttingDown)).toBe(expected);
  });
});
