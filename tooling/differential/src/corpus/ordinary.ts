// Every endpoint of docs/contract.md used the ordinary way: uploads of each kind, the
// pages, pagination, content with HEAD and 304, local media, static files, deletion.
import { makePng } from '@divio-samples/contract-tests';
import type { CorpusEntry } from '../types.js';
import { filePart, textPart, upload } from './form.js';

const get = (path: string, extra: Partial<CorpusEntry> = {}): CorpusEntry => ({
  name: `GET ${path}`,
  method: 'GET',
  path,
  ...extra,
});
const head = (path: string, extra: Partial<CorpusEntry> = {}): CorpusEntry => ({
  name: `HEAD ${path}`,
  method: 'HEAD',
  path,
  ...extra,
});

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export const setup: CorpusEntry[] = [
  upload('png', [filePart('photo.png', makePng(16, 16, 1), 'image/png')], { as: 'png' }),
  upload('text', [filePart('notes.txt', 'hello, world\n', 'text/plain')], { as: 'txt' }),
  upload('html', [filePart('page.html', '<script>alert(1)</script>', 'text/html')], {
    as: 'html',
  }),
  upload('svg', [filePart('drawing.svg', SVG, 'image/svg+xml')], { as: 'svg' }),
  upload('jpeg named .png', [filePart('fake.png', 'not really a jpeg', 'image/jpeg')], {
    as: 'jpeg',
  }),
  upload('form upload', [filePart('form.txt', 'from the form', 'text/plain')], {
    path: '/upload',
    as: 'form',
  }),
];

export const endpoints: CorpusEntry[] = [
  get('/healthz'),
  head('/healthz'),
  get('/readyz'),
  head('/readyz'),
  get('/api/info'),
  head('/api/info'),
  get('/', { as: 'page' }),
  head('/'),
  get('/?x=1'),
];

export const pagination: CorpusEntry[] = [
  get('/api/media'),
  head('/api/media'),
  get('/api/media?limit=2', { as: 'page1' }),
  get('/api/media?limit=2&cursor=<page1>', {
    path: '/api/media?limit=2&cursor={{page1.cursor}}',
    as: 'page2',
  }),
  get('/api/media?limit=2&cursor=<page2>', {
    path: '/api/media?limit=2&cursor={{page2.cursor}}',
    as: 'page3',
  }),
  get('/api/media?limit=2&cursor=<page3>', { path: '/api/media?limit=2&cursor={{page3.cursor}}' }),
  get('/api/media?cursor=<page1> (no limit)', { path: '/api/media?cursor={{page1.cursor}}' }),
  get('/api/media?limit=2&cursor=<page1>x (tampered)', {
    path: '/api/media?limit=2&cursor={{page1.cursor}}x',
  }),
  ...[
    'limit=1',
    'limit=100',
    'limit=0',
    'limit=101',
    'limit=-1',
    'limit=1.5',
    'limit=abc',
    'limit=',
    'limit=1&limit=2',
    'limit=%201',
    'limit=1e1',
    'limit=0x10',
    'limit=99999999999999999999',
    'cursor=garbage',
    'cursor=',
    'cursor=%FF',
    'foo=bar',
    'limit[]=1',
  ].map((query) => get(`/api/media?${query}`)),
];

const ID = '{{png.id}}';
export const items: CorpusEntry[] = [
  get('/api/media/:id', { path: `/api/media/${ID}` }),
  head('/api/media/:id', { path: `/api/media/${ID}` }),
  get('/api/media/:id (upper-case id)', { path: '/api/media/{{png.idUpper}}' }),
  get('/api/media/:id (unknown id)', { path: `/api/media/${UNKNOWN_ID}` }),
  get('/api/media/not-a-uuid'),
  get('/api/media/:id (id + x)', { path: `/api/media/${ID}x` }),
  get('/api/media/:id/content', { path: `/api/media/${ID}/content`, as: 'content' }),
  head('/api/media/:id/content', { path: `/api/media/${ID}/content` }),
  get('/api/media/:id/content [If-None-Match: its ETag]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', '{{content.etag}}']],
  }),
  head('/api/media/:id/content [If-None-Match: its ETag]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', '{{content.etag}}']],
  }),
  get('/api/media/:id/content [If-None-Match: W/<etag>]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', 'W/{{content.etag}}']],
  }),
  get('/api/media/:id/content [If-None-Match: "other", <etag>]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', '"other", {{content.etag}}']],
  }),
  get('/api/media/:id/content [If-None-Match: *]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', '*']],
  }),
  get('/api/media/:id/content [If-None-Match: "other"]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-None-Match', '"other"']],
  }),
  get('/api/media/:id/content [If-Modified-Since: future]', {
    path: `/api/media/${ID}/content`,
    headers: [['If-Modified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT']],
  }),
  get('/api/media/:id/content [Range: bytes=0-3]', {
    path: `/api/media/${ID}/content`,
    headers: [['Range', 'bytes=0-3']],
  }),
  get('/api/media/:id/content (text)', { path: '/api/media/{{txt.id}}/content' }),
  get('/api/media/:id/content (html)', { path: '/api/media/{{html.id}}/content' }),
  get('/api/media/:id/content (svg)', { path: '/api/media/{{svg.id}}/content' }),
  get('/api/media/:id/content (jpeg named .png)', { path: '/api/media/{{jpeg.id}}/content' }),
  get('/api/media/:id/content (unknown id)', { path: `/api/media/${UNKNOWN_ID}/content` }),
  get('/api/media/not-a-uuid/content'),
];

const KEY = '{{png.key}}';
export const localMedia: CorpusEntry[] = [
  get('/media/<key>', { path: `/media/${KEY}`, as: 'local' }),
  head('/media/<key>', { path: `/media/${KEY}` }),
  get('/media/<key> [If-None-Match: its ETag]', {
    path: `/media/${KEY}`,
    headers: [['If-None-Match', '{{local.etag}}']],
  }),
  get('/media/<key> [Range: bytes=0-3]', {
    path: `/media/${KEY}`,
    headers: [['Range', 'bytes=0-3']],
  }),
  get('/media/<key> (html)', { path: '/media/{{html.key}}' }),
  get('/media/<key> (svg)', { path: '/media/{{svg.key}}' }),
  get('/media/<key>/', { path: `/media/${KEY}/` }),
  get('/media/media%2F<id>.png', { path: '/media/media%2F{{png.id}}.png' }),
  get('/media/media/nope.png'),
  get('/media/'),
  get('/media'),
  get('/media/.meta/<key>', { path: `/media/.meta/${KEY}` }),
  get('/media/.tmp/'),
  get('/media/../../etc/passwd'),
  get('/media/%2e%2e/%2e%2e/etc/passwd'),
  get('/media/..%2f..%2fetc%2fpasswd'),
  get('/media/%00'),
];

export const staticFiles: CorpusEntry[] = [
  get('/static/app.css?v=<hash> (the page link)', { path: '{{page.stylesheet}}', as: 'css' }),
  head('/static/app.css?v=<hash> (the page link)', { path: '{{page.stylesheet}}' }),
  get('/static/app.css [If-None-Match: its ETag]', {
    path: '/static/app.css',
    headers: [['If-None-Match', '{{css.etag}}']],
  }),
  get('/static/app.css [Range: bytes=0-9]', {
    path: '/static/app.css',
    headers: [['Range', 'bytes=0-9']],
  }),
  get('/static/app.css'),
  get('/static/favicon.svg'),
  get('/static/manifest.json'),
  get('/static/nope.css'),
  get('/static/'),
  get('/static'),
  get('/static/app.css/'),
  get('/static/../package.json'),
  get('/static/%2e%2e/package.json'),
  get('/static/..%2fpackage.json'),
  get('/static/.hidden'),
  get('/static/%00'),
];

const DEL = '{{del.id}}';
export const deletion: CorpusEntry[] = [
  upload('to delete', [filePart('delete-me.txt', 'gone soon', 'text/plain')], { as: 'del' }),
  { name: 'DELETE /api/media/:id', method: 'DELETE', path: `/api/media/${DEL}` },
  { name: 'DELETE /api/media/:id (again)', method: 'DELETE', path: `/api/media/${DEL}` },
  get('/api/media/:id (deleted)', { path: `/api/media/${DEL}` }),
  get('/api/media/:id/content (deleted)', { path: `/api/media/${DEL}/content` }),
  get('/media/<key> (deleted)', { path: '/media/{{del.key}}' }),
  { name: 'DELETE /api/media/not-a-uuid', method: 'DELETE', path: '/api/media/not-a-uuid' },
  {
    name: 'DELETE /api/media/:id (unknown id)',
    method: 'DELETE',
    path: `/api/media/${UNKNOWN_ID}`,
  },
];

/** Sent last: an app that refuses it keeps a row the others deleted. */
export const deletionWithBody: CorpusEntry[] = [
  upload('to delete with a body', [filePart('delete-me-too.txt', 'gone', 'text/plain')], {
    as: 'del2',
  }),
  {
    name: 'DELETE /api/media/:id (with a JSON body)',
    method: 'DELETE',
    path: '/api/media/{{del2.id}}',
    headers: [['Content-Type', 'application/json']],
    body: '{"really":true}',
  },
];

export const formErrors: CorpusEntry[] = [
  upload('form: no file field', [textPart('note', 'no file here')], { path: '/upload' }),
  upload('form: empty filename', [filePart('', 'x')], { path: '/upload' }),
  {
    name: 'POST /upload [form: not multipart]',
    method: 'POST',
    path: '/upload',
    headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'file=x',
  },
  upload('form: wrong boundary', [filePart('x.txt', 'x')], {
    path: '/upload',
    contentType: 'multipart/form-data; boundary=not-the-one',
  }),
];
