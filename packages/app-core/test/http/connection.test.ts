import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeIfBodyUnread, hasBody } from '../../src/http/connection.js';

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

describe('closeIfBodyUnread', () => {
  const close = { Connection: 'close' };
  it.each<[string, IncomingHttpHeaders, boolean, number, Record<string, string>]>([
    ['a bodiless request', {}, true, 400, {}],
    ['a body read to its end', { 'content-length': '5' }, true, 400, {}],
    ['a body still arriving', { 'content-length': '5' }, false, 400, close],
    ['a chunked body still arriving', { 'transfer-encoding': 'chunked' }, false, 308, close],
    ['a redirect of a body that is all in', { 'content-length': '5' }, true, 308, {}],
    ['413, whatever arrived', {}, true, 413, close],
  ])('%s', (_name, headers, complete, status, expected) => {
    expect(closeIfBodyUnread({ headers, complete }, status)).toEqual(expected);
  });
});
