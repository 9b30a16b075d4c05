// The transports and the runner against two small servers that differ on purpose: the
// differential machinery must see, and name, the difference (and nothing else).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppTarget,
  type CorpusEntry,
  formatReport,
  parseResponses,
  rawHead,
  runDifferential,
} from '../src/index.js';

function server(allow: string): Server {
  return createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.url === '/api/media/x' && req.method !== 'GET') {
      res.writeHead(405, { Allow: allow, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'no' } }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host ?? null }));
  });
}

const servers: Server[] = [];
const targets: AppTarget[] = [];

beforeAll(async () => {
  for (const [name, allow] of [
    ['one', 'GET, HEAD, DELETE'],
    ['two', 'DELETE, GET, HEAD'],
  ] as const) {
    const s = server(allow);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    servers.push(s);
    targets.push({
      name,
      frameworkNames: [name],
      host: '127.0.0.1',
      port: (s.address() as { port: number }).port,
    });
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('runDifferential', () => {
  it('finds and names the one difference, over node:http and a raw socket', async () => {
    const corpus: CorpusEntry[] = [
      { name: 'GET /same', method: 'GET', path: '/same/../x' },
      { name: 'GET /same [no Host]', method: 'GET', path: '/same', noDefaultHeaders: true },
      {
        name: 'get /same (raw)',
        method: 'get',
        path: '/same',
        raw: { head: rawHead('GET /same HTTP/1.1') },
      },
      { name: 'PUT /api/media/:id', method: 'PUT', path: '/api/media/x' },
    ];
    const result = await runDifferential(targets, corpus);
    expect(result.rows[0]?.byApp.one?.['body.url']).toBe('"/same/../x"');
    // Node's own parser refuses an HTTP/1.1 request without Host (requireHostHeader).
    expect(result.rows[1]?.byApp.one?.status).toBe('400');
    expect(result.rows[2]?.byApp.one?.['connection after']).toBe('left open');
    expect(formatReport(result.differences, corpus.length)).toBe(
      [
        '1 differences in 1 of 4 requests:',
        '',
        'PUT /api/media/:id',
        '  Allow: one="GET, HEAD, DELETE" two="DELETE, GET, HEAD"',
      ].join('\n'),
    );
  });

  it('reports a server that does not answer in time as TIMEOUT', async () => {
    const target = targets[0] as AppTarget;
    const corpus: CorpusEntry[] = [
      {
        name: 'POST /x [body never comes]',
        method: 'POST',
        path: '/x',
        raw: { head: rawHead('POST /x HTTP/1.1', ['Content-Length: 10']) },
        timeoutMs: 300,
      },
    ];
    // Holds the POST forever; answers the runner's own follow-up GETs at once.
    const hold = createServer((req, res) => {
      if (req.method === 'GET') res.end('{"items":[]}');
      else req.resume();
    });
    await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', resolve));
    try {
      const port = (hold.address() as { port: number }).port;
      const result = await runDifferential([{ ...target, port }], corpus);
      expect(result.rows[0]?.byApp.one?.status).toBe('TIMEOUT');
    } finally {
      hold.closeAllConnections();
      await new Promise((r) => hold.close(r));
    }
  });
});

describe('parseResponses', () => {
  it('reads Content-Length, chunked and close-delimited bodies, and skips 100 Continue', () => {
    const bytes = Buffer.from(
      'HTTP/1.1 100 Continue\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi' +
        'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' +
        'HTTP/1.1 500 Oops\r\n\r\nuntil close',
    );
    const responses = parseResponses(bytes, false, true);
    expect(responses.map((r) => [r.status, r.body.toString(), r.complete])).toEqual([
      [200, 'hi', true],
      [400, 'abc', true],
      [500, 'until close', true],
    ]);
  });

  it('marks a body cut short as incomplete, and gives a HEAD answer no body', () => {
    expect(
      parseResponses(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi'), false, true)[0]
        ?.complete,
    ).toBe(false);
    const head = parseResponses(
      Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'),
      true,
      false,
    );
    expect(head[0]).toMatchObject({ status: 200, complete: true });
  });
});
