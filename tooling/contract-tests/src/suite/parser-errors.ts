// Requests Node's HTTP parser refuses before any app code runs (a malformed request line, a
// method token it does not know, bad header syntax, headers too large, conflicting framing)
// still get the contract's JSON error with the security headers, and the connection is
// closed; a request without Host reaches the app: the probes answer, everything else is
// `400 bad_host` (docs/contract.md, "Errors").
//
// Over raw sockets: node:http's client refuses to write any of these requests.
import { describe, expect, it } from 'vitest';
import { rawMessage, rawRequest } from '../raw.js';
import type { ContractContext } from './context.js';
import { expectError } from './expect.js';

/** [what is wrong, the request line, the header lines after Host]. */
const MALFORMED: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['a request line that is not HTTP', 'GARBAGE', []],
  ['a lower-case method', 'get /api/info HTTP/1.1', []],
  ['a method token the parser does not know', 'FOO /api/info HTTP/1.1', []],
  ['an unknown HTTP version', 'GET /api/info HTTP/1.x', []],
  ['a folded header line (obs-fold)', 'GET /api/info HTTP/1.1', ['X-Folded: a', ' b']],
  ['a space in a header name', 'GET /api/info HTTP/1.1', ['X Bad: 1']],
  ['a space before the colon', 'GET /api/info HTTP/1.1', ['X-Bad : 1']],
  ['a control character in a header value', 'GET /api/info HTTP/1.1', ['X-Bad: a\u0001b']],
  [
    'Content-Length together with Transfer-Encoding',
    'POST /api/media HTTP/1.1',
    ['Content-Length: 5', 'Transfer-Encoding: chunked'],
  ],
  [
    'two different Content-Length values',
    'POST /api/media HTTP/1.1',
    ['Content-Length: 5', 'Content-Length: 6'],
  ],
];

export function defineParserErrorTests(ctx: ContractContext): void {
  describe('requests the HTTP parser refuses', () => {
    const send = (data: string | Buffer) => rawRequest(ctx.http.baseUrl, data);
    const message = (requestLine: string, headers: readonly string[]) =>
      rawMessage([requestLine, `Host: ${ctx.http.host}`, 'X-Forwarded-Proto: https', ...headers]);

    it.each(MALFORMED)(
      '%s: 400 bad_request as JSON, connection closed',
      async (_name, line, headers) => {
        const res = await send(message(line, headers));
        expectError(res, 400, 'bad_request');
        expect(res.header('connection') ?? '(none)', res.head).toMatch(/\bclose\b/i);
        expect(res.closed, 'the server closed the connection').toBe(true);
      },
    );

    it('a bare LF as line ending: 400 bad_request as JSON', async () => {
      const res = await send(`GET /api/info HTTP/1.1\nHost: ${ctx.http.host}\n\n`);
      expectError(res, 400, 'bad_request');
      expect(res.closed, 'the server closed the connection').toBe(true);
    });

    it('headers larger than 16 KiB: 431 headers_too_large as JSON, connection closed', async () => {
      const res = await send(
        message('GET /api/info HTTP/1.1', [`X-Big: ${'a'.repeat(20 * 1024)}`]),
      );
      expectError(res, 431, 'headers_too_large');
      expect(res.header('connection') ?? '(none)', res.head).toMatch(/\bclose\b/i);
      expect(res.closed, 'the server closed the connection').toBe(true);
    });

    const noHost = (path: string) =>
      send(rawMessage([`GET ${path} HTTP/1.1`, 'X-Forwarded-Proto: https', 'Connection: close']));

    it.each(['/healthz', '/readyz'])('%s without a Host header: 200', async (path) => {
      const res = await noHost(path);
      expect(res.status, res.text().slice(0, 200)).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok' });
    });

    it.each(['/api/info', '/', '/api/media'])(
      '%s without a Host header: 400 bad_host',
      async (path) => {
        expectError(await noHost(path), 400, 'bad_host');
      },
    );
  });
}
