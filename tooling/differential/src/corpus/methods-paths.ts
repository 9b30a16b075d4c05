// Odd methods on every route, and odd request targets: encodings, dot segments, double
// slashes, trailing slashes, matrix parameters, NUL, very long paths, absolute form.
import type { CorpusEntry } from '../types.js';
import { raw, rawHead } from './form.js';

/** Each route (as the report names it), a concrete target, and the methods it answers. */
const ROUTES: ReadonlyArray<readonly [label: string, path: string, methods: readonly string[]]> = [
  ['/', '/', ['GET', 'HEAD']],
  ['/upload', '/upload', ['POST']],
  ['/healthz', '/healthz', ['GET', 'HEAD']],
  ['/readyz', '/readyz', ['GET', 'HEAD']],
  ['/api/info', '/api/info', ['GET', 'HEAD']],
  ['/api/media', '/api/media', ['GET', 'HEAD', 'POST']],
  ['/api/media/:id', '/api/media/{{png.id}}', ['GET', 'HEAD', 'DELETE']],
  ['/api/media/:id/content', '/api/media/{{png.id}}/content', ['GET', 'HEAD']],
  ['/media/<key>', '/media/{{png.key}}', ['GET', 'HEAD']],
  ['/static/app.css', '/static/app.css', ['GET', 'HEAD']],
  ['/nope', '/nope', []],
];

/** Methods node:http sends and Node's parser accepts, that some route does not answer. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE'];

export const methods: CorpusEntry[] = [
  ...ROUTES.flatMap(([label, path, allowed]) =>
    METHODS.filter((m) => !allowed.includes(m))
      // DELETE on the png would remove what later requests use; the deletion corpus covers it.
      .filter((m) => !(m === 'DELETE' && path.includes('{{png.')))
      .map((method) => ({ name: `${method} ${label}`, method, path })),
  ),
  { name: 'FOO /api/media (unknown token method)', method: 'FOO', path: '/api/media' },
  { name: 'QUERY /api/media', method: 'QUERY', path: '/api/media' },
  raw('get /api/info (lower-case method)', 'get', '/api/info', {
    head: rawHead('get /api/info HTTP/1.1'),
  }),
  raw('Get /api/info (mixed-case method)', 'Get', '/api/info', {
    head: rawHead('Get /api/info HTTP/1.1'),
  }),
  raw('OPTIONS *', 'OPTIONS', '*', { head: rawHead('OPTIONS * HTTP/1.1') }),
  raw('CONNECT contract.example:443', 'CONNECT', 'contract.example:443', {
    head: rawHead('CONNECT contract.example:443 HTTP/1.1'),
  }),
];

const get = (name: string, path: string): CorpusEntry => ({
  name: `GET ${name}`,
  method: 'GET',
  path,
});

export const paths: CorpusEntry[] = [
  get('/api/media/%', '/api/media/%'),
  get('/api/media/%2e%2e', '/api/media/%2e%2e'),
  get('/api/media/%2E%2E/info', '/api/media/%2E%2E/info'),
  get('/api/media/../info', '/api/media/../info'),
  get('/api/./info', '/api/./info'),
  get('//api/media', '//api/media'),
  get('///api/info', '///api/info'),
  get('/api//media', '/api//media'),
  get('/api/media/', '/api/media/'),
  get('/api/info/', '/api/info/'),
  get('/healthz/', '/healthz/'),
  get('/api/media/:id/', '/api/media/{{png.id}}/'),
  get('/api/media/:id/content/', '/api/media/{{png.id}}/content/'),
  get('/API/INFO', '/API/INFO'),
  get('/Api/Media', '/Api/Media'),
  get('/api/info%20', '/api/info%20'),
  get('/api/media/%00', '/api/media/%00'),
  get('/api/media/:id%00', '/api/media/{{png.id}}%00'),
  get('/api/media;x=1', '/api/media;x=1'),
  get('/api/media/:id;x=1', '/api/media/{{png.id}};x=1'),
  get('/api/media/%2F:id', '/api/media/%2F{{png.id}}'),
  get('/%2Fapi%2Finfo', '/%2Fapi%2Finfo'),
  get('/api%2Finfo', '/api%2Finfo'),
  get('/api/info?%', '/api/info?%'),
  get('/api/info?a=%ZZ', '/api/info?a=%ZZ'),
  get('/api/media/%E2%82%AC', '/api/media/%E2%82%AC'),
  get('/api/media/%C0%AF (overlong UTF-8)', '/api/media/%C0%AF'),
  get('/api/media#fragment', '/api/media#fragment'),
  get('/api/media/<2000 x a>', `/api/media/${'a'.repeat(2000)}`),
  get('/<8000 x x>', `/${'x'.repeat(8000)}`),
  get('/<20000 x x> (past the header limit)', `/${'x'.repeat(20000)}`),
  get('/api/info?<4000 x q>', `/api/info?${'q'.repeat(4000)}`),
  raw('GET /api/é (raw UTF-8 in the path)', 'GET', '/api/é', {
    head: rawHead('GET /api/media/é HTTP/1.1'),
  }),
  raw('GET /api/media with a space', 'GET', '/api/media x', {
    head: rawHead('GET /api/media x HTTP/1.1'),
  }),
  raw(
    'GET http://contract.example/api/info (absolute form)',
    'GET',
    'http://contract.example/api/info',
    {
      head: rawHead('GET http://contract.example/api/info HTTP/1.1'),
    },
  ),
  raw(
    'GET http://evil.example/api/info (absolute form, other host)',
    'GET',
    'http://evil.example/api/info',
    {
      head: rawHead('GET http://evil.example/api/info HTTP/1.1'),
    },
  ),
  raw('GET api/info (no leading slash)', 'GET', 'api/info', {
    head: rawHead('GET api/info HTTP/1.1'),
  }),
];
