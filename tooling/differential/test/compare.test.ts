// The normaliser and the comparer on their own: what is treated as equal, what is a
// difference, and how the report names it.
import { describe, expect, it } from 'vitest';
import {
  type Answer,
  checkCorpus,
  compareObservations,
  defaultCorpus,
  formatReport,
  type NormaliseContext,
  normaliseText,
  observe,
} from '../src/index.js';

const ID_A = '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11';
const ID_B = '5d1e8c62-1f0b-4c36-b0a2-6a0d3e9f7c44';

function ctx(name: string, id: string, port: number): NormaliseContext {
  return { frameworkNames: [name], ids: new Map([[id, 'png']]), port };
}

function response(headers: Array<[string, string]>, body: unknown, status = 200): Answer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { kind: 'response', status, headers, body: Buffer.from(text), bodyEnd: 'complete' };
}

const media = (id: string, createdAt: string) => ({
  id,
  key: `media/${id}.png`,
  filename: 'photo.png',
  contentType: 'image/png',
  url: `/api/media/${id}/content`,
  createdAt,
});

describe('normaliseText', () => {
  it('replaces known ids by their label, other UUIDs, dates, the framework and the port', () => {
    const text = `Koa made ${ID_A} and ${ID_B} at 2026-11-27T10:00:00.000Z on 127.0.0.1:4100`;
    expect(normaliseText(text, ctx('koa', ID_A, 4100))).toBe(
      '<framework> made <id:png> and <uuid> at <date> on 127.0.0.1:<port>',
    );
  });

  it('leaves words that only contain the framework name alone', () => {
    expect(normaliseText('expressway express', ctx('express', ID_A, 1))).toBe(
      'expressway <framework>',
    );
  });
});

describe('observe + compareObservations', () => {
  const facts = { method: 'POST' };

  it('finds nothing between answers that differ only in ids, dates and names', () => {
    const a = observe(
      response(
        [
          ['content-type', 'application/json; charset=utf-8'],
          ['location', `/api/media/${ID_A}`],
          ['x-request-id', ID_B],
        ],
        media(ID_A, '2026-11-27T10:00:00.000Z'),
        201,
      ),
      facts,
      ctx('express', ID_A, 4000),
    );
    const b = observe(
      response(
        [
          ['content-type', 'application/json;charset=utf-8'],
          ['location', `/api/media/${ID_B}`],
          ['x-request-id', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
        ],
        media(ID_B, '2027-01-01T00:00:00.001Z'),
        201,
      ),
      facts,
      ctx('koa', ID_B, 4001),
    );
    expect(compareObservations('POST /api/media [png]', { express: a, koa: b })).toEqual([]);
  });

  it('names the request, the field and each app value when the Allow orders differ', () => {
    const headers = (allow: string): Array<[string, string]> => [
      ['allow', allow],
      ['content-type', 'application/json'],
    ];
    const error = { error: { code: 'method_not_allowed', message: 'Method not allowed' } };
    const byApp = {
      express: observe(
        response(headers('GET, HEAD, DELETE'), error, 405),
        facts,
        ctx('express', ID_A, 1),
      ),
      koa: observe(response(headers('DELETE, GET, HEAD'), error, 405), facts, ctx('koa', ID_A, 2)),
      fastify: observe(
        response(headers('DELETE, GET, HEAD'), error, 405),
        facts,
        ctx('fastify', ID_A, 3),
      ),
    };
    const differences = compareObservations('PUT /api/media/:id', byApp);
    expect(differences).toEqual([
      {
        request: 'PUT /api/media/:id',
        field: 'Allow',
        values: {
          express: '"GET, HEAD, DELETE"',
          koa: '"DELETE, GET, HEAD"',
          fastify: '"DELETE, GET, HEAD"',
        },
      },
    ]);
    expect(formatReport(differences, 1)).toBe(
      [
        '1 differences in 1 of 1 requests:',
        '',
        'PUT /api/media/:id',
        '  Allow: express="GET, HEAD, DELETE" koa,fastify="DELETE, GET, HEAD"',
      ].join('\n'),
    );
  });

  it('reports a field one app lacks as (absent), and the error code by its JSON path', () => {
    const a = observe(
      response([['connection', 'close']], { error: { code: 'bad_request', message: 'x' } }, 400),
      facts,
      ctx('express', ID_A, 1),
    );
    const b = observe(
      response([], { error: { code: 'missing_file', message: 'x' } }, 400),
      facts,
      ctx('koa', ID_A, 2),
    );
    const report = formatReport(
      compareObservations('POST /api/media [empty body]', { express: a, koa: b }),
    );
    expect(report).toContain('  Connection: express="close" koa=(absent)');
    expect(report).toContain('  body.error.code: express="bad_request" koa="missing_file"');
  });

  it('treats a reset or a timeout as an answer like any other', () => {
    const ok = observe(response([], { status: 'ok' }), facts, ctx('express', ID_A, 1));
    const reset = observe({ kind: 'failure', outcome: 'RESET' }, facts, ctx('koa', ID_A, 2));
    const [status] = compareObservations('GET /healthz', { express: ok, koa: reset });
    expect(status).toMatchObject({ field: 'status', values: { express: '200', koa: 'RESET' } });
  });

  it('keys media lists by id, so one extra item is one difference, not a shifted list', () => {
    const list = (ids: string[]) =>
      response([], {
        items: ids.map((id) => media(id, '2026-11-27T10:00:00.000Z')),
        nextCursor: 'opaque',
      });
    const c: NormaliseContext = {
      frameworkNames: [],
      ids: new Map([
        [ID_A, 'a'],
        [ID_B, 'b'],
      ]),
      port: 1,
    };
    const one = observe(list([ID_A]), facts, c);
    const two = observe(list([ID_B, ID_A]), facts, c);
    const fields = compareObservations('GET /api/media', { x: one, y: two }).map((d) => d.field);
    expect(fields).toContain('body.items order');
    expect(fields).toContain('body.items[<id:b>].filename');
    expect(fields.some((f) => f.startsWith('body.items[<id:a>]'))).toBe(false);
    expect(one['body.nextCursor']).toBe('<cursor>');
  });

  it('compares Content-Length with the body, and a HEAD with the GET body', () => {
    const body = { status: 'ok' };
    const length = String(JSON.stringify(body).length);
    const get = observe(response([['content-length', length]], body), facts, ctx('a', ID_A, 1));
    expect(get['Content-Length']).toBe('= body length');
    const head = observe(
      {
        kind: 'response',
        status: 200,
        headers: [['content-length', length]],
        body: Buffer.alloc(0),
        bodyEnd: 'complete',
      },
      { method: 'HEAD', getBodyLength: Number(length) },
      ctx('a', ID_A, 1),
    );
    expect(head['Content-Length']).toBe('= GET body length');
  });

  it('applies the X-Request-Id rule instead of comparing values', () => {
    const answer = (id: string) => response([['x-request-id', id]], '');
    expect(
      observe(answer('abc'), { method: 'GET', requestId: 'abc' }, ctx('a', ID_A, 1))[
        'X-Request-Id'
      ],
    ).toBe('<as sent>');
    expect(
      observe(answer(ID_B), { method: 'GET', requestId: 'a b' }, ctx('a', ID_A, 1))['X-Request-Id'],
    ).toBe('<new uuid>');
    expect(observe(answer('a b'), { method: 'GET' }, ctx('a', ID_A, 1))['X-Request-Id']).toBe(
      '"a b"',
    );
  });
});

describe('formatReport', () => {
  it('groups requests that differ in exactly the same way', () => {
    const values = { express: '"close"', koa: '(absent)' };
    const report = formatReport([
      { request: 'PUT /', field: 'Connection', values },
      { request: 'PATCH /', field: 'Connection', values },
    ]);
    expect(report).toBe(
      [
        '2 differences in 2 requests:',
        '',
        'PUT /',
        'PATCH /',
        '  Connection: express="close" koa=(absent)',
      ].join('\n'),
    );
  });

  it('points at the first line that differs in a page', () => {
    const report = formatReport([
      {
        request: 'GET /',
        field: 'body (html)',
        values: { a: 'same\none\nend', b: 'same\ntwo\nend' },
      },
    ]);
    expect(report).toContain('  body (html) line 2: a=one b=two');
  });
});

describe('the default corpus', () => {
  it('has unique names and labels', () => {
    expect(() => checkCorpus(defaultCorpus)).not.toThrow();
    expect(() =>
      checkCorpus([...defaultCorpus, { name: 'GET /healthz', method: 'GET', path: '/' }]),
    ).toThrow(/GET \/healthz/);
  });

  it('refers only to labels defined earlier', () => {
    const seen = new Set<string>();
    const unknown: string[] = [];
    for (const entry of defaultCorpus) {
      const text = [
        entry.path,
        ...(entry.headers ?? []).map(([, v]) => v),
        ...(entry.raw?.head ?? []),
      ].join(' ');
      for (const [, label] of text.matchAll(/\{\{([^{}]+)\.\w+\}\}/g)) {
        if (label && !seen.has(label)) unknown.push(`${entry.name}: ${label}`);
      }
      seen.add(entry.as ?? entry.name);
    }
    expect(unknown).toEqual([]);
  });
});
