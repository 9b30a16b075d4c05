// The sample app contract (docs/contract.md) as vitest blocks. `defineContractSuite`
// registers them; the target is read lazily (inside hooks and tests), so a caller can
// start its server in a `beforeAll` that runs first.
//
// Every test sends its own data (unique filenames per run) and never assumes an empty
// table, so the suite can run against a database that other runs already used.
import { createHash, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HttpClient, type HttpResponse } from './client.js';
import { contractEnv, contractMaxUploadBytes } from './env.js';
import { decodeEntities, findTags } from './html.js';
import { multipartBody, type Part, streamedMultipart } from './multipart.js';
import { makePng } from './png.js';
import { type ContractTarget, validateTarget } from './target.js';

/** The media object of docs/contract.md. */
export interface Media {
  id: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}

interface MediaPage {
  items: Media[];
  nextCursor: string | null;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const MEDIA_FIELDS = ['contentType', 'createdAt', 'filename', 'id', 'key', 'size', 'url'];
const HSTS = 'max-age=31536000; includeSubDomains';

/** Hosts a test process can reach directly (emulators run in-process on 127.0.0.1). */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 8187 encoding of a filename, as in `filename*=UTF-8''...`. */
export function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Asserts the security headers every response carries (docs/contract.md, "Common rules"). */
export function expectSecurityHeaders(res: HttpResponse): void {
  expect(res.header('x-content-type-options'), 'X-Content-Type-Options').toBe('nosniff');
  expect(res.header('x-frame-options'), 'X-Frame-Options').toBe('DENY');
  expect(res.header('referrer-policy'), 'Referrer-Policy').toBe('same-origin');
  expect(res.header('content-security-policy'), 'Content-Security-Policy').toMatch(
    /^default-src 'self'(;|$)/,
  );
  expect(res.header('cross-origin-opener-policy'), 'Cross-Origin-Opener-Policy').toBe(
    'same-origin',
  );
  expect(res.header('x-powered-by'), 'X-Powered-By').toBeUndefined();
}

/** Asserts a JSON error answer: status, `{error:{code,message}}`, no stack, security headers. */
export function expectError(res: HttpResponse, status: number, code: string | string[]): void {
  const codes = Array.isArray(code) ? code : [code];
  const context = `${res.status} ${res.text().slice(0, 300)}`;
  expect(res.status, context).toBe(status);
  expect(res.header('content-type'), context).toMatch(/^application\/json\b/i);
  const body = res.json<ErrorBody>();
  expect(typeof body.error, context).toBe('object');
  expect(codes, context).toContain(body.error.code);
  expect(typeof body.error.message, context).toBe('string');
  expect(body.error.message.length, context).toBeGreaterThan(0);
  // DEBUG is off under the contract environment: no stack, anywhere in the body.
  expect(res.text(), context).not.toMatch(/"stack"\s*:/);
  expect(res.text(), context).not.toContain(contractEnv.SECRET_KEY);
  expectSecurityHeaders(res);
}

function expectMediaShape(
  media: Media,
  expected: { filename: string; contentType: string; size: number; ext: string },
): void {
  const context = JSON.stringify(media);
  expect(Object.keys(media).sort(), context).toEqual(MEDIA_FIELDS);
  expect(media.id, context).toMatch(UUID_PATTERN);
  expect(media.key, context).toBe(`media/${media.id}${expected.ext}`);
  expect(media.filename, context).toBe(expected.filename);
  expect(media.contentType, context).toBe(expected.contentType);
  expect(media.size, context).toBe(expected.size);
  expect(media.url, context).toBe(`/api/media/${media.id}/content`);
  expect(media.createdAt, context).toMatch(ISO_DATE);
  const age = Date.now() - Date.parse(media.createdAt);
  // Same machine (or containers on it): the clock agrees within a few minutes.
  expect(Math.abs(age), `createdAt ${media.createdAt} is not close to now`).toBeLessThan(
    10 * 60_000,
  );
}

/** Reads every file below `dir` (relative paths); an absent directory is empty. */
async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(dir, path));
    }
  }
  await walk(dir);
  return found.sort();
}

interface Fetched {
  status: number;
  headers: Headers | null;
  header(name: string): string | undefined;
  body: Buffer;
}

export interface ContractSuiteOptions {
  /**
   * Everything the app wrote to stdout so far. When given, the suite also checks the
   * contract's log rules: one JSON line per request with `method`, `url`, `status`,
   * `responseTime` and `reqId`, and no credential header values.
   */
  logs?: () => string | Promise<string>;
}

/** The request log lines (JSON objects with a `status`) that carry `reqId`. */
export function requestLogLines(logs: string, reqId: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of logs.split('\n')) {
    if (!line.includes(reqId)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`a log line with request id ${reqId} is not JSON: ${line.slice(0, 200)}`);
    }
    const record = parsed as Record<string, unknown>;
    if (record.reqId === reqId && 'status' in record) lines.push(record);
  }
  return lines;
}

/**
 * Registers the whole contract suite. `target` is called inside hooks and tests, never at
 * registration time, so it may return a server started in an enclosing `beforeAll`.
 * With `options.logs` it registers the log checks too.
 */
export function defineContractSuite(
  target: () => ContractTarget,
  options: ContractSuiteOptions = {},
): void {
  const runId = randomUUID().slice(0, 8);
  let counter = 0;
  /** A filename no other test or run uses. */
  const unique = (name: string): string => `ct-${runId}-${++counter}-${name}`;

  let t: ContractTarget;
  let http: HttpClient;

  const upload = (
    parts: Part[],
    options: { path?: string; forwardedProto?: 'http' | 'https' } = {},
  ): Promise<HttpResponse> => {
    const { contentType, body } = multipartBody(parts);
    return http.request(options.path ?? '/api/media', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      ...(options.forwardedProto ? { forwardedProto: options.forwardedProto } : {}),
    });
  };

  /** Uploads one file through the JSON API and checks the 201 answer in full. */
  const uploadOk = async (
    filename: string,
    data: Uint8Array | string,
    contentType: string | null,
    expected: { filename?: string; contentType?: string; ext: string },
  ): Promise<Media> => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const res = await upload([{ filename, contentType, data: bytes }]);
    expect(res.status, res.text().slice(0, 300)).toBe(201);
    expect(res.header('content-type')).toMatch(/^application\/json\b/i);
    const media = res.json<Media>();
    expectMediaShape(media, {
      filename: expected.filename ?? filename,
      contentType: expected.contentType ?? contentType ?? 'application/octet-stream',
      size: bytes.length,
      ext: expected.ext,
    });
    expect(res.header('location')).toBe(`/api/media/${media.id}`);
    return media;
  };

  /** Every media item, newest first, by following cursors (bounded). */
  const listAll = async (): Promise<Media[]> => {
    const items: Media[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await http.get(`/api/media?limit=100${query}`);
      expect(res.status, res.text().slice(0, 300)).toBe(200);
      const body = res.json<MediaPage>();
      items.push(...body.items);
      cursor = body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('GET /api/media: more than 200 pages of 100, or a cursor that never ends');
  };

  /** GET of a URL another host serves (a storage emulator), without following redirects. */
  const fetchExternal = async (location: string): Promise<Fetched> => {
    const res = await fetch(location, { redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      headers: res.headers,
      header: (name) => res.headers.get(name) ?? undefined,
      body,
    };
  };

  /**
   * The stored bytes behind `media.url`: the file backend answers 200 itself; s3 and
   * azure answer 302 to the object's URL, followed when the test can reach its host
   * (in-process emulators on 127.0.0.1); `null` when it cannot (a compose service name),
   * after checking the Location's shape.
   */
  const content = async (media: Media): Promise<Fetched | null> => {
    const res = await http.get(media.url);
    if (t.storage === 'file') {
      expect(res.status, res.text().slice(0, 300)).toBe(200);
      return { status: res.status, headers: null, header: (n) => res.header(n), body: res.body };
    }
    expect(res.status, res.text().slice(0, 300)).toBe(302);
    expectSecurityHeaders(res);
    const location = res.header('location') ?? '';
    const url = new URL(location);
    expect(['http:', 'https:']).toContain(url.protocol);
    expect(decodeURIComponent(url.pathname).endsWith(`/${media.key}`), location).toBe(true);
    if (!LOCAL_HOSTS.has(url.hostname)) return null;
    return fetchExternal(location);
  };

  describe('contract (docs/contract.md)', () => {
    beforeAll(() => {
      t = validateTarget(target());
      http = createClient(t.baseUrl);
    });

    describe('health and info', () => {
      it('GET /healthz answers 200 {"status":"ok"} as JSON', async () => {
        const res = await http.get('/healthz');
        expect(res.status).toBe(200);
        expect(res.header('content-type')).toMatch(/^application\/json\b/i);
        expect(res.json()).toEqual({ status: 'ok' });
      });

      it('GET /readyz answers 200 with every check ok', async () => {
        const res = await http.get('/readyz');
        expect(res.status, res.text()).toBe(200);
        expect(res.header('content-type')).toMatch(/^application\/json\b/i);
        const body = res.json<{ status: string; checks: Record<string, { ok: boolean }> }>();
        expect(body.status).toBe('ok');
        for (const check of ['database', 'migrations', 'storage', 'shutdown']) {
          expect(body.checks[check], `checks.${check}`).toMatchObject({ ok: true });
        }
        expect(res.text()).not.toContain(contractEnv.SECRET_KEY);
      });

      it('GET /api/info reports framework, version, stage, database, storage and node', async () => {
        const res = await http.get('/api/info');
        expect(res.status).toBe(200);
        expect(res.header('content-type')).toMatch(/^application\/json\b/i);
        const info = res.json<Record<string, unknown>>();
        expect(info).toMatchObject({
          framework: t.framework,
          stage: 'test',
          database: t.database,
          storage: t.storage,
        });
        expect(info.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
        expect(info.node).toMatch(/^v\d+\.\d+\.\d+$/);
      });

      it('GET /api/info holds nothing secret', async () => {
        const res = await http.get('/api/info');
        expect(res.status).toBe(200);
        expect(res.json()).toHaveProperty('framework', t.framework);
        const text = res.text();
        expect(text).not.toContain(contractEnv.SECRET_KEY);
        const keys: string[] = [];
        const walk = (value: unknown): void => {
          if (value && typeof value === 'object') {
            for (const [k, v] of Object.entries(value)) {
              keys.push(k);
              walk(v);
            }
          }
        };
        walk(res.json());
        for (const key of keys) {
          expect(key).not.toMatch(/secret|password|passwd|token|credential|dsn|_url$|^env$/i);
        }
        // No connection strings or account keys in any value either.
        expect(text).not.toMatch(/:\/\/[^/"\s]*:[^@"\s]*@/);
        expect(text).not.toMatch(/AccountKey=|SharedAccessSignature|X-Amz-Signature/i);
      });
    });

    describe('security headers', () => {
      const cases: Array<[string, () => Promise<HttpResponse>]> = [
        ['200 JSON (/api/info)', () => http.get('/api/info')],
        ['200 HTML (/)', () => http.get('/')],
        ['200 /healthz', () => http.get('/healthz')],
        ['404 JSON (unknown path)', () => http.get('/no/such/path')],
        ['400 bad_host', () => http.get('/api/info', { host: 'evil.example' })],
        [
          '415 (JSON body to /api/media)',
          () =>
            http.request('/api/media', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{}',
            }),
        ],
        ['400 invalid_query', () => http.get('/api/media?limit=0')],
      ];
      it.each(cases)('on %s', async (_name, send) => {
        const res = await send();
        expectSecurityHeaders(res);
      });

      it('HSTS on https responses: max-age=31536000; includeSubDomains', async () => {
        const info = await http.get('/api/info');
        expect(info.header('strict-transport-security')).toBe(HSTS);
        const missing = await http.get('/no/such/path');
        expect(missing.status).toBe(404);
        expect(missing.header('strict-transport-security')).toBe(HSTS);
      });
    });

    describe('request id', () => {
      it('keeps a valid incoming X-Request-Id', async () => {
        const id = `ct.${runId}_Req-1`;
        const res = await http.get('/api/info', { headers: { 'x-request-id': id } });
        expect(res.header('x-request-id')).toBe(id);
      });

      it('keeps a 128-character id', async () => {
        const id = 'a'.repeat(120) + runId;
        const res = await http.get('/api/info', { headers: { 'x-request-id': id } });
        expect(res.header('x-request-id')).toBe(id);
      });

      it.each([
        ['129 characters', 'b'.repeat(129)],
        ['a space', 'has space'],
        ['a slash', 'bad/id'],
        ['quotes and angle brackets', '"<x>"'],
        ['empty', ''],
      ])('replaces an id with %s by a new UUID', async (_name, id) => {
        const res = await http.get('/api/info', { headers: { 'x-request-id': id } });
        const echoed = res.header('x-request-id');
        expect(echoed).not.toBe(id);
        expect(echoed).toMatch(UUID_PATTERN);
      });

      it('makes a fresh UUID per request when none is sent, also on errors', async () => {
        const a = await http.get('/api/info');
        const b = await http.get('/no/such/path');
        expect(a.header('x-request-id')).toMatch(UUID_PATTERN);
        expect(b.header('x-request-id')).toMatch(UUID_PATTERN);
        expect(a.header('x-request-id')).not.toBe(b.header('x-request-id'));
      });
    });

    describe('Host check', () => {
      it.each([
        'evil.example',
        '127x0x0x1',
        'evil.contract.example.attacker',
        'contract.example.attacker',
        'attacker.localhost',
        'localhost.attacker',
        '127.0.0.1.nip.io',
      ])('refuses Host %s with 400 bad_host', async (host) => {
        const res = await http.get('/api/info', { host });
        expectError(res, 400, 'bad_host');
      });

      it('refuses a wrong Host on the HTML page and on uploads too', async () => {
        expectError(await http.get('/', { host: 'evil.example' }), 400, 'bad_host');
        const { contentType, body } = multipartBody([
          { filename: unique('host.txt'), contentType: 'text/plain', data: 'x' },
        ]);
        const refused = await http.request('/api/media', {
          method: 'POST',
          host: 'evil.example',
          headers: { 'content-type': contentType },
          body,
        });
        expectError(refused, 400, 'bad_host');
      });

      it.each([
        ['the base URL host', ''],
        ['localhost:8000', 'localhost:8000'],
        ['127.0.0.1', '127.0.0.1'],
        ['contract.example', 'contract.example'],
        ['CONTRACT.EXAMPLE (any case)', 'CONTRACT.EXAMPLE'],
        ['contract.example:443 (port stripped)', 'contract.example:443'],
        ['old.contract.example (DOMAIN_REDIRECTS)', 'old.contract.example'],
      ])('allows %s', async (_name, host) => {
        const res = await http.get('/api/info', host ? { host } : {});
        expect(res.status, res.text().slice(0, 200)).toBe(200);
        expect(res.json()).toMatchObject({ framework: t.framework });
      });

      it.each(['/healthz', '/readyz'])('%s answers for any Host', async (path) => {
        const res = await http.get(path, { host: 'evil.example' });
        expect(res.status, res.text()).toBe(200);
        expect(res.json()).toMatchObject({ status: 'ok' });
      });
    });

    describe('SSL redirect', () => {
      it('GET over http: 301 to https://<host><path and query>', async () => {
        const res = await http.get('/api/media?limit=5&cursor=a%20b', {
          host: 'contract.example',
          forwardedProto: 'http',
        });
        expect(res.status).toBe(301);
        expect(res.header('location')).toBe(
          'https://contract.example/api/media?limit=5&cursor=a%20b',
        );
      });

      it('HEAD over http: 301', async () => {
        const res = await http.request('/', {
          method: 'HEAD',
          host: 'contract.example',
          forwardedProto: 'http',
        });
        expect(res.status).toBe(301);
        expect(res.header('location')).toBe('https://contract.example/');
      });

      it('POST and DELETE over http: 308 (method and body kept)', async () => {
        const { contentType, body } = multipartBody([
          { filename: unique('redirected.txt'), contentType: 'text/plain', data: 'x' },
        ]);
        const post = await http.request('/api/media', {
          method: 'POST',
          host: 'contract.example',
          forwardedProto: 'http',
          headers: { 'content-type': contentType },
          body,
        });
        expect(post.status).toBe(308);
        expect(post.header('location')).toBe('https://contract.example/api/media');
        const id = randomUUID();
        const del = await http.request(`/api/media/${id}`, {
          method: 'DELETE',
          host: 'contract.example',
          forwardedProto: 'http',
        });
        expect(del.status).toBe(308);
        expect(del.header('location')).toBe(`https://contract.example/api/media/${id}`);
      });

      it('a redirected upload stores nothing', async () => {
        const filename = unique('not-stored.txt');
        const res = await upload([{ filename, contentType: 'text/plain', data: 'x' }], {
          forwardedProto: 'http',
        });
        expect(res.status).toBe(308);
        const all = await listAll();
        expect(all.filter((m) => m.filename === filename)).toEqual([]);
      });

      it.each(['/healthz', '/readyz'])('%s is not redirected', async (path) => {
        const res = await http.get(path, { forwardedProto: 'http' });
        expect(res.status).toBe(200);
      });
    });

    describe('POST /api/media', () => {
      it('stores a PNG: 201, the media object, Location', async () => {
        const png = makePng(8, 8, 1);
        const media = await uploadOk(unique('photo.png'), png, 'image/png', { ext: '.png' });
        const again = await http.get(`/api/media/${media.id}`);
        expect(again.status).toBe(200);
        expect(again.json()).toEqual(media);
      });

      it('stores a text file; the key takes the lower-cased extension', async () => {
        await uploadOk(unique('Notes.TXT'), 'hello contract\n', 'text/plain', { ext: '.txt' });
      });

      it('stores an empty (0-byte) file with size 0', async () => {
        await uploadOk(unique('empty.txt'), '', 'text/plain', { ext: '.txt' });
      });

      it('stores a 1 MiB file intact', async () => {
        const data = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
        const media = await uploadOk(unique('blob.bin'), data, 'application/octet-stream', {
          ext: '.bin',
        });
        const got = await content(media);
        if (got) expect(sha256(got.body)).toBe(sha256(data));
      });

      it.each([
        ['archive.tar.gz', '.gz'],
        ['noextension', ''],
        ['photo.JPEG', '.jpeg'],
        ['name.with-dash', ''],
        ['x.abcdefghijk', ''],
        ['x.abcdefghij', '.abcdefghij'],
        ['trailingdot.', ''],
        ['sp ace.p ng', ''],
      ])('key extension for %s is %j', async (name, ext) => {
        const filename = unique(name);
        await uploadOk(filename, 'x', 'application/octet-stream', { ext });
      });

      it('keeps Unicode filenames, normalised to NFC', async () => {
        const decomposed = unique('cafe\u0301 東京.png');
        expect(decomposed.normalize('NFC')).not.toBe(decomposed);
        await uploadOk(decomposed, makePng(4, 4, 2), 'image/png', {
          filename: decomposed.normalize('NFC'),
          ext: '.png',
        });
      });

      it.each([
        ['../../etc/passwd', 'passwd', ''],
        ['../../x.png', 'x.png', '.png'],
        ['/absolute/path/y.txt', 'y.txt', '.txt'],
        ['a\\\\b.png', 'b.png', '.png'],
        ['C:\\\\Users\\\\me\\\\photo.png', 'photo.png', '.png'],
        // Control characters a valid part header can carry: tab, and C1 controls as UTF-8
        // (HTTP forbids the other C0 controls and DEL in header fields; parsers refuse them).
        ['bad\tna\u0085me\u009f.txt', 'badname.txt', '.txt'],
        ['\t\u0080\u009f', 'upload', ''],
      ])('reduces filename %j to %j', async (name, expected, ext) => {
        await uploadOk(name, 'x', 'text/plain', { filename: expected, ext });
      });

      it('cuts filenames to at most 255 characters', async () => {
        const name = `${'n'.repeat(300)}.txt`;
        const res = await upload([{ filename: name, contentType: 'text/plain', data: 'x' }]);
        expect(res.status).toBe(201);
        const media = res.json<Media>();
        expect(media.filename.length).toBeGreaterThan(0);
        expect(media.filename.length).toBeLessThanOrEqual(255);
        expect(media.filename.startsWith('nnnn')).toBe(true);
        expect(media.key).toMatch(new RegExp(`^media/${media.id}(\\.txt)?$`));
      });

      it.each([
        ['garbage', 'not a type'],
        ['missing subtype', 'image/'],
        ['missing type', '/png'],
        ['injection attempt', 'text/html<script>'],
      ])('falls back to application/octet-stream for a %s content type', async (_name, type) => {
        await uploadOk(unique('typed.dat'), 'x', type, {
          contentType: 'application/octet-stream',
          ext: '.dat',
        });
      });

      it('ignores other form fields', async () => {
        const filename = unique('with-fields.txt');
        const res = await upload([
          { field: 'note', value: 'ignored' },
          { filename, contentType: 'text/plain', data: 'x' },
          { field: 'other', value: 'ignored too' },
        ]);
        expect(res.status).toBe(201);
        expect(res.json<Media>().filename).toBe(filename);
      });

      it('no file field: 400 missing_file', async () => {
        const res = await upload([{ field: 'note', value: 'no file here' }]);
        expectError(res, 400, 'missing_file');
      });

      it('a file under another field name: 400 missing_file', async () => {
        const res = await upload([
          { field: 'attachment', filename: unique('x.txt'), contentType: 'text/plain', data: 'x' },
        ]);
        expectError(res, 400, 'missing_file');
      });

      it('an empty filename (a form sent with no file chosen): 400 missing_file', async () => {
        const res = await upload([
          { filename: '', contentType: 'application/octet-stream', data: '' },
        ]);
        expectError(res, 400, 'missing_file');
      });

      it.each([
        ['a JSON body', 'application/json', '{"file":"x"}'],
        ['a urlencoded form', 'application/x-www-form-urlencoded', 'file=x'],
        ['text', 'text/plain', 'file'],
      ])('not multipart (%s): 415 unsupported_media_type', async (_name, type, body) => {
        const res = await http.request('/api/media', {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        expectError(res, 415, 'unsupported_media_type');
      });

      it('no body and no Content-Type: 415 unsupported_media_type', async () => {
        const res = await http.request('/api/media', { method: 'POST' });
        expectError(res, 415, 'unsupported_media_type');
      });

      it('a malformed multipart body: 400, not a 5xx', async () => {
        const res = await http.request('/api/media', {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
          body: 'this is not multipart at all',
        });
        expectError(res, 400, ['bad_request', 'missing_file']);
      });

      describe('larger than MAX_UPLOAD_BYTES', () => {
        const oversized = async (withLength: boolean) => {
          const filename = unique('too-big.bin');
          const before = t.storage === 'file' && t.mediaRoot ? await listFiles(t.mediaRoot) : [];
          const body = streamedMultipart(filename, contractMaxUploadBytes + 64 * 1024);
          const res = await http.request('/api/media', {
            method: 'POST',
            headers: {
              'content-type': body.contentType,
              ...(withLength ? { 'content-length': String(body.length) } : {}),
            },
            body: body.body(),
            timeoutMs: 60_000,
          });
          expectError(res, 413, 'payload_too_large');
          // Nothing kept: no row...
          const all = await listAll();
          expect(all.filter((m) => m.filename === filename)).toEqual([]);
          // ...and no object (checked on disk when the suite can see the media root).
          // Cleanup may finish just after the answer (a temporary file being removed), so
          // this waits up to 3 s; a file that stays is a leak.
          if (t.storage === 'file' && t.mediaRoot) {
            let after = await listFiles(t.mediaRoot);
            for (let i = 0; i < 60 && after.join('\n') !== before.join('\n'); i++) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              after = await listFiles(t.mediaRoot);
            }
            const added = after.filter((f) => !before.includes(f));
            expect(added, `files left in ${t.mediaRoot}`).toEqual([]);
            expect(after).toEqual(before);
          }
          // And the server is fine afterwards.
          const health = await http.get('/api/info');
          expect(health.status).toBe(200);
        };

        it('streamed (chunked): 413 payload_too_large, no row, no object', async () => {
          await oversized(false);
        });

        it('with a Content-Length: 413 payload_too_large, no row, no object', async () => {
          await oversized(true);
        });
      });
    });

    describe('GET /api/media (list)', () => {
      it('pages newest first with limit and cursor, without duplicates, to nextCursor null', async () => {
        const made: Media[] = [];
        for (let i = 0; i < 3; i++) {
          made.push(
            await uploadOk(unique(`page-${i}.txt`), `item ${i}`, 'text/plain', { ext: '.txt' }),
          );
          // Distinct timestamps, so "newest first" is unambiguous.
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
        const [a, b, c] = made as [Media, Media, Media];

        const first = await http.get('/api/media?limit=2');
        expect(first.status).toBe(200);
        const page1 = first.json<MediaPage>();
        expect(page1.items.map((m) => m.id)).toEqual([c.id, b.id]);
        expect(page1.items[0]).toEqual(c);
        expect(typeof page1.nextCursor).toBe('string');
        expect(page1.nextCursor).not.toBe('');

        const second = await http.get(
          `/api/media?limit=2&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`,
        );
        expect(second.status).toBe(200);
        const page2 = second.json<MediaPage>();
        expect(page2.items[0]?.id).toBe(a.id);

        // Walk the rest (pages of 2, then of 100 so a big table stays quick): no
        // duplicates, createdAt never increases, ends in null.
        const seen = [...page1.items, ...page2.items];
        let cursor = page2.nextCursor;
        for (let i = 0; cursor !== null && i < 1000; i++) {
          const size = i < 10 ? 2 : 100;
          const res = await http.get(
            `/api/media?limit=${size}&cursor=${encodeURIComponent(cursor)}`,
          );
          expect(res.status).toBe(200);
          const page = res.json<MediaPage>();
          expect(page.items.length).toBeGreaterThan(0);
          expect(page.items.length).toBeLessThanOrEqual(size);
          seen.push(...page.items);
          cursor = page.nextCursor;
        }
        expect(cursor).toBeNull();
        const ids = seen.map((m) => m.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (let i = 1; i < seen.length; i++) {
          const prev = Date.parse(seen[i - 1]?.createdAt ?? '');
          const next = Date.parse(seen[i]?.createdAt ?? '');
          expect(next, `item ${i} is newer than item ${i - 1}`).toBeLessThanOrEqual(prev);
        }
        // The one-shot listing agrees with the paged one.
        expect((await listAll()).map((m) => m.id)).toEqual(ids);
      });

      it('defaults to 20 items per page; limit=1 and limit=100 are valid', async () => {
        for (let i = 0; i < 2; i++) {
          await uploadOk(unique(`fill-${i}.txt`), 'x', 'text/plain', { ext: '.txt' });
        }
        const total = (await listAll()).length;
        const plain = (await http.get('/api/media')).json<MediaPage>();
        expect(plain.items.length).toBe(Math.min(20, total));
        expect(plain.nextCursor === null).toBe(total <= 20);
        const one = await http.get('/api/media?limit=1');
        expect(one.status).toBe(200);
        const onePage = one.json<MediaPage>();
        expect(onePage.items).toHaveLength(1);
        expect(onePage.nextCursor).not.toBeNull();
        const hundred = await http.get('/api/media?limit=100');
        expect(hundred.status).toBe(200);
        expect(hundred.json<MediaPage>().items.length).toBe(Math.min(100, total));
      });

      it.each(['0', '101', 'abc', '-1', '1.5', '10abc', '1e1'])(
        'limit=%s: 400 invalid_query',
        async (limit) => {
          const res = await http.get(`/api/media?limit=${encodeURIComponent(limit)}`);
          expectError(res, 400, 'invalid_query');
        },
      );

      it.each([
        ['garbage', 'not-a-cursor'],
        ['base64 of unrelated JSON', Buffer.from('{"foo":1}').toString('base64url')],
        ['base64 of a string', Buffer.from('"x"').toString('base64url')],
        ['very long', 'A'.repeat(5000)],
      ])('a %s cursor: 400 invalid_query', async (_name, cursor) => {
        const res = await http.get(`/api/media?cursor=${encodeURIComponent(cursor)}`);
        expectError(res, 400, 'invalid_query');
      });
    });

    describe('GET /api/media/:id', () => {
      it('answers the media object', async () => {
        const media = await uploadOk(unique('get.txt'), 'get me', 'text/plain', { ext: '.txt' });
        const res = await http.get(`/api/media/${media.id}`);
        expect(res.status).toBe(200);
        expect(res.json()).toEqual(media);
      });

      it.each([
        ['an unknown UUID', randomUUID()],
        ['a non-UUID', 'not-a-uuid'],
        ['a number', '12345'],
        ['an SQL-looking id', encodeURIComponent("1' OR '1'='1")],
        ['an upper-case unknown UUID', randomUUID().toUpperCase()],
      ])('%s: 404 not_found', async (_name, id) => {
        expectError(await http.get(`/api/media/${id}`), 404, 'not_found');
      });
    });

    describe('GET /api/media/:id/content', () => {
      it('serves the exact bytes of a PNG, inline', async () => {
        const png = makePng(12, 10, 3);
        const media = await uploadOk(unique('content.png'), png, 'image/png', { ext: '.png' });
        const got = await content(media);
        if (t.storage === 'file') {
          const res = got as Fetched;
          expect(res.header('content-type')).toBe('image/png');
          expect(res.header('content-length')).toBe(String(png.length));
          expect(res.header('etag')).toBeTruthy();
          expect(res.header('x-content-type-options')).toBe('nosniff');
        }
        if (got) {
          expect(got.status).toBe(200);
          expect(sha256(got.body)).toBe(sha256(png));
          expect(got.header('content-type')).toBe('image/png');
          expect(got.header('content-disposition') ?? '').not.toMatch(/^\s*attachment/i);
        }
      });

      it.each([
        ['page.html', 'text/html', '<!doctype html><script>alert(1)</script>'],
        [
          'drawing.svg',
          'image/svg+xml',
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ],
        ['feed.xml', 'application/xml', '<?xml version="1.0"?><x/>'],
        ['code.js', 'text/javascript', 'alert(1)'],
      ])('serves %s (%s) as an attachment with nosniff', async (name, type, body) => {
        const filename = unique(name);
        const media = await uploadOk(filename, body, type, {
          ext: name.slice(name.lastIndexOf('.')),
        });
        const got = await content(media);
        if (got) {
          expect(got.status).toBe(200);
          expect(got.body.toString('utf8')).toBe(body);
          expect(got.header('content-disposition')).toMatch(/^attachment\s*;/i);
          expect(got.header('content-disposition')).toContain(
            `filename*=UTF-8''${encodeRfc8187(filename)}`,
          );
          // The app's own answer carries nosniff (checked in content() for the 302); an
          // object store cannot be told to send it, so only the file backend's bytes must.
          if (t.storage === 'file') expect(got.header('x-content-type-options')).toBe('nosniff');
        }
      });

      it('encodes a Unicode filename in the attachment disposition', async () => {
        const filename = unique('café 東京.html');
        const media = await uploadOk(filename, '<p>x</p>', 'text/html', { ext: '.html' });
        const got = await content(media);
        if (got) {
          expect(got.header('content-disposition')).toContain(
            `filename*=UTF-8''${encodeRfc8187(filename)}`,
          );
        }
      });

      it.each([
        ['text/plain', 'readme.txt'],
        ['application/pdf', 'doc.pdf'],
        ['image/jpeg', 'pic.jpg'],
      ])('serves %s inline', async (type, name) => {
        const media = await uploadOk(unique(name), 'x', type, {
          ext: name.slice(name.lastIndexOf('.')),
        });
        const got = await content(media);
        if (got) {
          expect(got.status).toBe(200);
          expect(got.header('content-disposition') ?? '').not.toMatch(/^\s*attachment/i);
        }
      });

      it('unknown id: 404 not_found', async () => {
        expectError(await http.get(`/api/media/${randomUUID()}/content`), 404, 'not_found');
        expectError(await http.get('/api/media/not-a-uuid/content'), 404, 'not_found');
      });
    });

    describe('GET /media/<key>', () => {
      it('file backend: serves the stored file with the content headers; cloud: 404', async () => {
        const png = makePng(6, 6, 4);
        const media = await uploadOk(unique('direct.png'), png, 'image/png', { ext: '.png' });
        const res = await http.get(`/media/${media.key}`);
        if (t.storage === 'file') {
          expect(res.status).toBe(200);
          expect(sha256(res.body)).toBe(sha256(png));
          expect(res.header('content-type')).toBe('image/png');
          expect(res.header('content-length')).toBe(String(png.length));
          expect(res.header('x-content-type-options')).toBe('nosniff');
        } else {
          expectError(res, 404, 'not_found');
        }
      });

      it('file backend: serves HTML as an attachment there too', async () => {
        const filename = unique('direct.html');
        const media = await uploadOk(filename, '<script>alert(1)</script>', 'text/html', {
          ext: '.html',
        });
        const res = await http.get(`/media/${media.key}`);
        if (t.storage === 'file') {
          expect(res.status).toBe(200);
          expect(res.header('content-disposition')).toMatch(/^attachment\s*;/i);
          expect(res.header('x-content-type-options')).toBe('nosniff');
        } else {
          expectError(res, 404, 'not_found');
        }
      });

      it.each([
        '/media/../package.json',
        '/media/../../package.json',
        '/media/%2e%2e/package.json',
        '/media/%2e%2e%2fpackage.json',
        '/media/..%2f..%2fpackage.json',
        '/media/media/..%2f..%2f..%2fetc%2fpasswd',
        '/media/%252e%252e/package.json',
        '/media/..%5c..%5cpackage.json',
        '/media/media/%00.png',
        '/media/',
        '/media/media/',
      ])('%s: 404 not_found', async (path) => {
        const res = await http.get(path);
        expectError(res, 404, 'not_found');
        expect(res.text()).not.toContain('"dependencies"');
        expect(res.text()).not.toContain('root:');
      });

      it('an unknown key: 404 not_found', async () => {
        expectError(await http.get(`/media/media/${randomUUID()}.png`), 404, 'not_found');
      });
    });

    describe('DELETE /api/media/:id', () => {
      it('204, then the row and the object are gone', async () => {
        const png = makePng(5, 5, 5);
        const media = await uploadOk(unique('delete-me.png'), png, 'image/png', { ext: '.png' });
        // Where the object could be fetched from before the delete.
        const before = await http.get(media.url);
        const location = t.storage === 'file' ? undefined : before.header('location');

        const res = await http.request(`/api/media/${media.id}`, { method: 'DELETE' });
        expect(res.status).toBe(204);
        expect(res.body.length).toBe(0);
        expectSecurityHeaders(res);

        expectError(await http.get(`/api/media/${media.id}`), 404, 'not_found');
        expectError(await http.get(media.url), 404, 'not_found');
        expect((await listAll()).some((m) => m.id === media.id)).toBe(false);
        if (t.storage === 'file') {
          expectError(await http.get(`/media/${media.key}`), 404, 'not_found');
        } else if (location && LOCAL_HOSTS.has(new URL(location).hostname)) {
          const gone = await fetchExternal(location);
          expect(gone.status).toBeGreaterThanOrEqual(400);
        }
        const page = await http.get('/');
        expect(page.text()).not.toContain(media.url);
      });

      it('deleting again, or an unknown id: 404 not_found', async () => {
        const media = await uploadOk(unique('twice.txt'), 'x', 'text/plain', { ext: '.txt' });
        const first = await http.request(`/api/media/${media.id}`, { method: 'DELETE' });
        expect(first.status).toBe(204);
        const again = await http.request(`/api/media/${media.id}`, { method: 'DELETE' });
        expectError(again, 404, 'not_found');
        expectError(
          await http.request(`/api/media/${randomUUID()}`, { method: 'DELETE' }),
          404,
          'not_found',
        );
        expectError(
          await http.request('/api/media/not-a-uuid', { method: 'DELETE' }),
          404,
          'not_found',
        );
      });
    });

    describe('HTML page', () => {
      it('GET / is text/html; charset=utf-8 with the upload form', async () => {
        const res = await http.get('/');
        expect(res.status).toBe(200);
        expect(res.header('content-type')).toMatch(/^text\/html;\s*charset=utf-8$/i);
        const html = res.text();
        const forms = findTags(html, 'form').filter((f) => f.attrs.action === '/upload');
        expect(forms, 'a <form action="/upload">').toHaveLength(1);
        const form = forms[0];
        expect(form?.attrs.method?.toLowerCase()).toBe('post');
        expect(form?.attrs.enctype?.toLowerCase()).toBe('multipart/form-data');
        const end = html.indexOf('</form>', form?.index ?? 0);
        expect(end).toBeGreaterThan(form?.index ?? 0);
        const inside = html.slice(form?.index ?? 0, end);
        const inputs = findTags(inside, 'input').filter(
          (i) => i.attrs.type?.toLowerCase() === 'file' && i.attrs.name === 'file',
        );
        expect(inputs, '<input type="file" name="file"> inside the form').toHaveLength(1);
        const submits = [
          ...findTags(inside, 'button').filter((b) => (b.attrs.type ?? 'submit') === 'submit'),
          ...findTags(inside, 'input').filter((i) => i.attrs.type?.toLowerCase() === 'submit'),
        ];
        expect(
          submits.length,
          'a submit button (the form works without JavaScript)',
        ).toBeGreaterThan(0);
      });

      it('links the stylesheet, served as text/css with a long cache lifetime', async () => {
        const html = (await http.get('/')).text();
        const links = findTags(html, 'link').filter(
          (l) => l.attrs.rel?.toLowerCase() === 'stylesheet',
        );
        // A cache-busting query (`/static/app.css?v=<hash>`) is fine.
        const href = links
          .map((l) => l.attrs.href ?? '')
          .find((h) => h.split('?')[0] === '/static/app.css');
        expect(href, `stylesheet links: ${links.map((l) => l.raw).join(' ')}`).toBeDefined();
        const css = await http.get(href ?? '/static/app.css');
        const plain = await http.get('/static/app.css');
        expect(plain.status).toBe(200);
        expect(plain.body.equals(css.body)).toBe(true);
        expect(css.status).toBe(200);
        expect(css.header('content-type')).toMatch(/^text\/css\b/i);
        expect(css.body.length).toBeGreaterThan(0);
        const maxAge = /max-age=(\d+)/.exec(css.header('cache-control') ?? '');
        expect(
          Number(maxAge?.[1] ?? 0),
          `Cache-Control: ${css.header('cache-control')}`,
        ).toBeGreaterThanOrEqual(86_400);
        expectSecurityHeaders(css);
      });

      it.each(['/static/missing.css', '/static/../package.json', '/static/%2e%2e/package.json'])(
        '%s: 404 not_found',
        async (path) => {
          const res = await http.get(path);
          expectError(res, 404, 'not_found');
          expect(res.text()).not.toContain('"dependencies"');
        },
      );

      it('lists images as <img src=url> and other files as links', async () => {
        const image = await uploadOk(unique('thumb.png'), makePng(3, 3, 6), 'image/png', {
          ext: '.png',
        });
        const text = await uploadOk(unique('doc.txt'), 'x', 'text/plain', { ext: '.txt' });
        const svg = await uploadOk(
          unique('vector.svg'),
          '<svg xmlns="http://www.w3.org/2000/svg"/>',
          'image/svg+xml',
          {
            ext: '.svg',
          },
        );
        const html = (await http.get('/')).text();
        const imgs = findTags(html, 'img').map((i) => i.attrs.src);
        const hrefs = findTags(html, 'a').map((a) => a.attrs.href);
        expect(imgs).toContain(image.url);
        expect(imgs).not.toContain(text.url);
        expect(hrefs).toContain(text.url);
        expect(imgs, 'SVG is never shown as <img>').not.toContain(svg.url);
        expect(hrefs).toContain(svg.url);
      });

      it('shows the newest 50 items only', async () => {
        let total = (await listAll()).length;
        for (; total < 51; total++) {
          await uploadOk(unique(`many-${total}.txt`), 'x', 'text/plain', { ext: '.txt' });
        }
        const newest = (await http.get('/api/media?limit=51')).json<MediaPage>().items;
        expect(newest).toHaveLength(51);
        const html = (await http.get('/')).text();
        const shown = new Set(
          [
            ...findTags(html, 'img').map((i) => i.attrs.src),
            ...findTags(html, 'a').map((a) => a.attrs.href),
          ].filter(
            (u): u is string => typeof u === 'string' && /^\/api\/media\/[^/]+\/content$/.test(u),
          ),
        );
        expect(shown.size).toBe(50);
        for (const item of newest.slice(0, 50)) expect(shown, item.filename).toContain(item.url);
        expect(shown).not.toContain(newest[50]?.url);
      });

      it('HTML-escapes user text (filenames)', async () => {
        const filename = unique('<script>alert(1)<script>"\'&.txt');
        const media = await uploadOk(filename, 'x', 'text/plain', { ext: '.txt' });
        expect(media.filename).toBe(filename);
        const html = (await http.get('/')).text();
        expect(html).not.toContain('<script>alert(1)');
        // Shown, escaped (any entity style): decoding the page gives the name back.
        expect(decodeEntities(html)).toContain(filename);
        expect(html).not.toContain(filename);
      });
    });

    describe('POST /upload (the HTML form)', () => {
      it('stores the file and answers 303 See Other to /', async () => {
        const filename = unique('form.png');
        const res = await upload([{ filename, contentType: 'image/png', data: makePng(4, 4, 7) }], {
          path: '/upload',
        });
        expect(res.status, res.text().slice(0, 300)).toBe(303);
        expect(res.header('location')).toBe('/');
        const stored = (await listAll()).filter((m) => m.filename === filename);
        expect(stored).toHaveLength(1);
        expect(stored[0]?.key).toBe(`media/${stored[0]?.id}.png`);
        const html = (await http.get('/')).text();
        expect(findTags(html, 'img').map((i) => i.attrs.src)).toContain(stored[0]?.url);
      });

      it('without a file: the HTML page with status 400 and a message', async () => {
        const res = await upload(
          [{ filename: '', contentType: 'application/octet-stream', data: '' }],
          {
            path: '/upload',
          },
        );
        expect(res.status).toBe(400);
        expect(res.header('content-type')).toMatch(/^text\/html\b/i);
        expect(findTags(res.text(), 'form').some((f) => f.attrs.action === '/upload')).toBe(true);
        expectSecurityHeaders(res);
      });

      it('not multipart: the HTML page with status 415', async () => {
        const res = await http.request('/upload', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'file=x',
        });
        expect(res.status).toBe(415);
        expect(res.header('content-type')).toMatch(/^text\/html\b/i);
      });
    });

    if (options.logs) {
      const readLogs = options.logs;
      describe('logs', () => {
        /** Waits (briefly) for the request line of `reqId`: loggers may write after the answer. */
        const logLines = async (reqId: string): Promise<Array<Record<string, unknown>>> => {
          for (let i = 0; i < 40; i++) {
            const lines = requestLogLines(await readLogs(), reqId);
            if (lines.length > 0) return lines;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return [];
        };

        it('one JSON line per request: method, url, status, responseTime, reqId', async () => {
          const reqId = `ct-log-${runId}-ok`;
          const res = await http.get('/api/info?probe=1', { headers: { 'x-request-id': reqId } });
          expect(res.status).toBe(200);
          const lines = await logLines(reqId);
          expect(lines, `request log lines for ${reqId}`).toHaveLength(1);
          const line = lines[0] ?? {};
          expect(line.method).toBe('GET');
          expect(String(line.url)).toMatch(/^\/api\/info(\?|$)/);
          expect(line.status).toBe(200);
          expect(typeof line.responseTime).toBe('number');
          expect(line.responseTime as number).toBeGreaterThanOrEqual(0);
        });

        it('logs errors with their status and the generated id', async () => {
          const res = await http.get('/no/such/path');
          const reqId = res.header('x-request-id') ?? '';
          expect(reqId).toMatch(UUID_PATTERN);
          const lines = await logLines(reqId);
          expect(lines).toHaveLength(1);
          expect(lines[0]?.status).toBe(404);
        });

        it('never writes credential header values', async () => {
          const reqId = `ct-log-${runId}-secret`;
          const authorization = `Bearer ct-authorization-${runId}-do-not-log`;
          const cookie = `session=ct-cookie-${runId}-do-not-log`;
          const res = await http.get('/api/info', {
            headers: { 'x-request-id': reqId, authorization, cookie },
          });
          expect(res.status).toBe(200);
          expect(await logLines(reqId)).toHaveLength(1);
          const logs = await readLogs();
          expect(logs).not.toContain(`ct-authorization-${runId}`);
          expect(logs).not.toContain(`ct-cookie-${runId}`);
          expect(logs).not.toContain(contractEnv.SECRET_KEY);
        });
      });
    }

    describe('errors', () => {
      it.each([
        '/nope',
        '/api/nope',
        '/api/media/' + '00000000-0000-4000-8000-000000000000/extra',
        '/index.html',
      ])('unknown path %s: 404 not_found as JSON', async (path) => {
        expectError(await http.get(path), 404, 'not_found');
      });

      it.each([
        ['PUT', '/api/media'],
        ['PATCH', '/api/info'],
        ['DELETE', '/api/media'],
        ['POST', '/healthz'],
      ])('%s %s: a JSON 404/405, never a 5xx', async (method, path) => {
        const res = await http.request(path, { method });
        expect([404, 405]).toContain(res.status);
        expectError(res, res.status, res.status === 404 ? 'not_found' : 'method_not_allowed');
      });

      it('a multipart Content-Type without a boundary: a JSON 4xx', async () => {
        const res = await http.request('/api/media', {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data' },
          body: 'x',
        });
        expect([400, 415]).toContain(res.status);
        expectError(res, res.status, ['bad_request', 'missing_file', 'unsupported_media_type']);
      });
    });
  });
}
