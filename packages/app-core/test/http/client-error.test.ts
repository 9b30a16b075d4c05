// The answer to a request Node's HTTP parser refused (the server's clientError handler; its
// wiring is tested over a socket in test/process/server.test.ts).
import { describe, expect, it } from 'vitest';
import { clientErrorResponse, clientErrorStatus } from '../../src/http/client-error.js';

describe('clientErrorStatus', () => {
  it.each<[string | undefined, number, string]>([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['HPE_INVALID_METHOD', 400, 'bad_request'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'bad_request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'bad_request'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'payload_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    [undefined, 400, 'bad_request'],
  ])('%s: %i %s', (code, status, errorCode) => {
    expect(clientErrorStatus(code)).toEqual({ status, code: errorCode });
  });
});

describe('clientErrorResponse', () => {
  it('is a complete HTTP/1.1 response: status line, the headers given, JSON, Connection: close', () => {
    const { status, bytes } = clientErrorResponse('HPE_HEADER_OVERFLOW', {
      'X-Frame-Options': 'DENY',
    });
    expect(status).toBe(431);
    const [head, body] = bytes.split('\r\n\r\n');
    expect(head?.split('\r\n')).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'X-Frame-Options: DENY',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body ?? '')}`,
      'Connection: close',
    ]);
    expect(JSON.parse(body ?? '')).toEqual({
      error: { code: 'headers_too_large', message: 'The request headers are too large' },
    });
  });
});
