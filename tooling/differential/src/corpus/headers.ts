// Odd headers: Host (missing, with a port, upper case, foreign, twice), X-Forwarded-Proto
// variants, X-Request-Id edge cases, huge and repeated headers, Expect, HTTP/1.0.
import type { CorpusEntry, Header } from '../types.js';
import { FORM_TYPE, filePart, form, raw, rawHead } from './form.js';

const withHeaders = (
  name: string,
  path: string,
  headers: Header[],
  extra: Partial<CorpusEntry> = {},
): CorpusEntry => ({ name: `GET ${path} [${name}]`, method: 'GET', path, headers, ...extra });

const host = (value: string, path = '/api/info') =>
  withHeaders(`Host: ${JSON.stringify(value)}`, path, [['Host', value]]);

export const hosts: CorpusEntry[] = [
  withHeaders('no Host', '/api/info', [['X-Forwarded-Proto', 'https']], { noDefaultHeaders: true }),
  withHeaders('no Host', '/healthz', [['X-Forwarded-Proto', 'https']], { noDefaultHeaders: true }),
  host('contract.example:8000'),
  host('contract.example:443'),
  host('CONTRACT.EXAMPLE'),
  host('Contract.Example:8000'),
  host('contract.example.'),
  host('old.contract.example'),
  host('localhost'),
  host('localhost:3000'),
  host('127.0.0.1'),
  host('127.0.0.1:80'),
  host('127.0.0.2'),
  host('127x0x0x1'),
  host('[::1]'),
  host('evil.example'),
  host('contract.example.evil.example'),
  host('sub.contract.example'),
  host('user@contract.example'),
  host('contract.example:abc'),
  host(''),
  host('evil.example', '/healthz'),
  host('evil.example', '/readyz'),
  host('evil.example', '/nope'),
  host('evil.example', '/static/app.css'),
  raw('GET /api/info [two Host headers]', 'GET', '/api/info', {
    head: [
      'GET /api/info HTTP/1.1',
      'Host: contract.example',
      'Host: evil.example',
      'X-Forwarded-Proto: https',
    ],
  }),
  raw('GET /api/info [HTTP/1.0, no Host]', 'GET', '/api/info', {
    head: ['GET /api/info HTTP/1.0', 'X-Forwarded-Proto: https'],
  }),
  raw('GET /api/info [HTTP/1.0 with Host]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.0'),
  }),
  raw('GET /api/info [HTTP/1.0, keep-alive]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.0', ['Connection: keep-alive']),
  }),
  raw('GET /api/info [HTTP/2.0 request line]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/2.0'),
  }),
  raw('GET /api/info [bare LF line endings]', 'GET', '/api/info', {
    head: ['GET /api/info HTTP/1.1\nHost: contract.example\nX-Forwarded-Proto: https\n'],
  }),
];

const proto = (value: string | null, method = 'GET', path = '/api/info'): CorpusEntry => ({
  name: `${method} ${path} [X-Forwarded-Proto: ${value === null ? 'none' : JSON.stringify(value)}]`,
  method,
  path,
  headers: [
    ['Host', 'contract.example'],
    ...(value === null ? [] : [['X-Forwarded-Proto', value] as Header]),
  ],
  noDefaultHeaders: true,
});

export const forwardedProto: CorpusEntry[] = [
  proto('http'),
  proto('http', 'HEAD'),
  proto('http', 'GET', '/api/media?limit=1&x=%20y'),
  proto('http', 'GET', '/'),
  proto('http', 'GET', '//evil.example/x'),
  proto('http', 'GET', '/healthz'),
  proto('http', 'GET', '/nope'),
  proto('http', 'DELETE', '/api/media/00000000-0000-4000-8000-000000000000'),
  {
    ...proto('http', 'POST', '/api/media'),
    name: 'POST /api/media [X-Forwarded-Proto: "http", with a body]',
    headers: [
      ['Host', 'contract.example'],
      ['X-Forwarded-Proto', 'http'],
      ['Content-Type', FORM_TYPE],
    ],
    body: form([filePart('redirected.txt', 'x')]),
  },
  proto(null),
  proto(''),
  proto('HTTPS'),
  proto('Https'),
  proto('http, https'),
  proto('https, http'),
  proto('https,http'),
  proto('ws'),
  {
    ...proto('http'),
    name: 'GET /api/info [X-Forwarded-Proto: "http", Host: old.contract.example]',
    headers: [
      ['Host', 'old.contract.example'],
      ['X-Forwarded-Proto', 'http'],
    ],
  },
  {
    ...proto('http'),
    name: 'GET /api/info [X-Forwarded-Proto: "http", Host: evil.example]',
    headers: [
      ['Host', 'evil.example'],
      ['X-Forwarded-Proto', 'http'],
    ],
  },
  {
    ...proto('http'),
    name: 'GET /api/info [X-Forwarded-Proto: "http", Host: contract.example:8443]',
    headers: [
      ['Host', 'contract.example:8443'],
      ['X-Forwarded-Proto', 'http'],
    ],
  },
  withHeaders(
    'X-Forwarded-Proto twice: http, then https',
    '/api/info',
    [
      ['Host', 'contract.example'],
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Proto', 'https'],
    ],
    { noDefaultHeaders: true },
  ),
  withHeaders('X-Forwarded-For: 203.0.113.9, 10.0.0.1', '/api/info', [
    ['X-Forwarded-For', '203.0.113.9, 10.0.0.1'],
  ]),
];

const requestId = (label: string, value: string): CorpusEntry =>
  withHeaders(`X-Request-Id: ${label}`, '/api/info', [['X-Request-Id', value]]);

export const requestIds: CorpusEntry[] = [
  requestId('valid', 'req-123_abc.DEF'),
  requestId('1 char', 'a'),
  requestId('128 chars', 'r'.repeat(128)),
  requestId('129 chars', 'r'.repeat(129)),
  requestId('empty', ''),
  requestId('space inside', 'a b'),
  requestId('slash', '../etc'),
  requestId('html', '<script>'),
  requestId('latin-1 byte', 'caf\u00e9'),
  requestId('a uuid', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'),
  withHeaders('X-Request-Id twice', '/api/info', [
    ['X-Request-Id', 'first-id'],
    ['X-Request-Id', 'second-id'],
  ]),
  {
    ...requestId('valid, on a 404', 'req-404'),
    name: 'GET /nope [X-Request-Id: valid]',
    path: '/nope',
  },
  {
    ...requestId('valid, on a 400 bad_host', 'req-host'),
    name: 'GET /api/info [X-Request-Id: valid, Host: evil.example]',
    headers: [
      ['Host', 'evil.example'],
      ['X-Request-Id', 'req-host'],
    ],
  },
  raw('GET /api/info [X-Request-Id with a raw UTF-8 character]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.1', ['X-Request-Id: caf\u00e9-\u20ac']),
  }),
];

export const otherHeaders: CorpusEntry[] = [
  withHeaders('X-Big: 8000 bytes', '/api/info', [['X-Big', 'b'.repeat(8000)]]),
  withHeaders('X-Big: 20000 bytes (past the limit)', '/api/info', [['X-Big', 'b'.repeat(20000)]]),
  withHeaders(
    '300 headers',
    '/api/info',
    Array.from({ length: 300 }, (_, i) => [`X-H${i}`, String(i)] as Header),
  ),
  withHeaders('Accept: text/html', '/nope', [['Accept', 'text/html']]),
  withHeaders('Accept: text/html', '/api/media/not-a-uuid', [['Accept', 'text/html']]),
  withHeaders('Accept-Encoding: gzip, br', '/', [['Accept-Encoding', 'gzip, br']]),
  withHeaders('Accept-Encoding: gzip', '/api/media', [['Accept-Encoding', 'gzip']]),
  withHeaders('Connection: close', '/api/info', [['Connection', 'close']]),
  withHeaders('Expect: something', '/api/info', [['Expect', 'something']]),
  withHeaders('Authorization and Cookie', '/api/info', [
    ['Authorization', 'Basic dXNlcjpwYXNz'],
    ['Cookie', 'session=secret'],
  ]),
  withHeaders('Content-Length: 5 on a GET', '/api/info', [['Content-Length', '5']], {
    body: 'hello',
  }),
  raw('GET /api/info [header with an obs-fold]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.1', ['X-Folded: a', ' b']),
  }),
  raw('GET /api/info [header name with a space]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.1', ['X Bad: 1']),
  }),
  raw('GET /api/info [NUL in a header value]', 'GET', '/api/info', {
    head: rawHead('GET /api/info HTTP/1.1', ['X-Nul: a\0b']),
  }),
];
