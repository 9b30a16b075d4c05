// serve(): the one way every app listens, drains and closes, with a plain request listener
// (Express, Koa) and with one that has a close step of its own (Fastify).
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, type IncomingMessage, request, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleShutdown, type StartedServer, serve } from '../../src/process/server.js';

let scratch: string;
let env: Record<string, string>;
const quiet = { write: () => {} };
const options = {
  framework: 'test',
  version: '0.0.0',
  port: 0,
  host: '127.0.0.1',
  logDestination: quiet,
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'app-core-server-'));
  env = {
    STAGE: 'test',
    SECRET_KEY: 'a-test-secret-that-is-long-enough-0123',
    DATABASE_URL: 'sqlite://:memory:',
    DEFAULT_STORAGE_DSN: `file://${scratch}/?url=%2Fmedia%2F`,
  };
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

// Keep-alive connections, as a browser or the platform's proxy keeps them.
const agent = new Agent({ keepAlive: true });
afterAll(() => agent.destroy());

/** A GET: status, Connection header, body. */
function get(url: string): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          ...(res.headers.connection ? { connection: res.headers.connection } : {}),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `data` on a fresh socket; resolves with all the server sent until it closed (or 0.5 s). */
function rawExchange(url: string, data: string): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(data));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, 500);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

/** The status line, lower-cased headers and body of the first response in `text`. */
function parseResponse(text: string) {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('serve', () => {
  it('listens with a plain request listener; close() ends the connections and the runtime', async () => {
    const started = await serve(() => (_req, res) => res.end('hello'), env, options);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${started.url}/`)).toMatchObject({ status: 200, body: 'hello' });
    await started.close();
    await expect(started.runtime.knex.raw('select 1')).rejects.toThrow();
  });

  it("closes the app's own close step first, then the pool, once", async () => {
    const order: string[] = [];
    const started = await serve(
      async (runtime) => {
        const close = runtime.close.bind(runtime);
        runtime.close = async () => {
          order.push('runtime');
          await close();
        };
        return {
          listener: (_req, res) => res.end('ok'),
          close: async () => {
            order.push('app');
          },
        };
      },
      env,
      options,
    );
    await Promise.all([started.closeResources(), started.close()]);
    expect(order).toEqual(['app', 'runtime']);
  });

  it('a failing app leaves nothing open and throws', async () => {
    let runtimeClosed = false;
    await expect(
      serve(
        (runtime) => {
          const close = runtime.close.bind(runtime);
          runtime.close = async () => {
            runtimeClosed = true;
            await close();
          };
          throw new Error('no app today');
        },
        env,
        options,
      ),
    ).rejects.toThrow('no app today');
    expect(runtimeClosed).toBe(true);
  });

  describe('draining', () => {
    let started: StartedServer;
    let release: () => void = () => {};
    beforeAll(async () => {
      started = await serve(
        () => (req, res) => {
          if (req.url === '/slow') {
            release = () => res.end('slow');
          } else res.end('fast');
        },
        env,
        options,
      );
    });
    afterAll(() => started.close());

    it('every response after beginShutdown asks the client to close, in flight or new', async () => {
      expect(await get(`${started.url}/`)).not.toHaveProperty('connection', 'close');
      const slow = get(`${started.url}/slow`);
      await new Promise((r) => setTimeout(r, 100));
      started.beginShutdown();
      expect(started.runtime.shutdownState.shuttingDown).toBe(true);
      // Served normally, not shed.
      expect(await get(`${started.url}/`)).toEqual({
        status: 200,
        connection: 'close',
        body: 'fast',
      });
      release();
      expect(await slow).toEqual({ status: 200, connection: 'close', body: 'slow' });
    });
  });

  describe("every app's server", () => {
    let started: StartedServer;
    const logs: string[] = [];
    beforeAll(async () => {
      started = await serve(
        () => (req, res) => {
          // A framework that swaps the response's prototype (Express does) keeps the rule.
          if (req.url === '/swapped') {
            Object.setPrototypeOf(res, Object.create(ServerResponse.prototype));
          }
          const answer = () => {
            res.setHeader('Content-Type', 'text/plain');
            res.end(`host=${req.headers.host ?? '(none)'}`);
          };
          // `/read` reads the whole body first; everything else answers at once.
          if (req.url === '/read') req.resume().on('end', answer);
          else answer();
        },
        env,
        { ...options, logDestination: { write: (line: string) => logs.push(line) } },
      );
    });
    afterAll(() => started.close());

    it.each([
      ['a lower-case method', 'get / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
      ['an unknown method token', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
      ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400, 'bad_request'],
      ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n', 400, 'bad_request'],
      [
        'Content-Length with Transfer-Encoding',
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
        400,
        'bad_request',
      ],
      [
        'headers over 16 KiB',
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
    ])(
      'a request the parser refuses (%s): JSON error, closed, logged without its bytes',
      async (_name, data, status, code) => {
        logs.length = 0;
        const secret = `Bearer parser-secret-${status}`;
        const exchange = await rawExchange(
          started.url,
          data.replace('\r\n\r\n', `\r\nAuthorization: ${secret}\r\n\r\n`),
        );
        const res = parseResponse(exchange.text);
        expect(res.status, exchange.text).toBe(status);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code } });
        expect(res.headers).toMatchObject({
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(res.body)),
          connection: 'close',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
        });
        expect(res.headers['strict-transport-security']).toBeUndefined();
        expect(exchange.closed).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
        const line = logs.find((l) => l.includes('refused by the HTTP parser')) ?? '';
        expect(JSON.parse(line)).toMatchObject({ status, reqId: res.headers['x-request-id'] });
        expect(logs.join('')).not.toContain('parser-secret');
      },
    );

    it('a request without Host reaches the app', async () => {
      const exchange = await rawExchange(
        started.url,
        'GET / HTTP/1.1\r\nConnection: close\r\n\r\n',
      );
      expect(parseResponse(exchange.text)).toMatchObject({ status: 200, body: 'host=(none)' });
    });

    it.each([
      ['no body declared: kept open', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', undefined],
      [
        'a body that all arrived: kept open',
        'POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab',
        undefined,
      ],
      [
        'a declared body not read to its end: closed',
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nab',
        'close',
      ],
      [
        'the same, under a swapped prototype',
        'POST /swapped HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nab',
        'close',
      ],
    ])('the connection rule: %s', async (_name, data, connection) => {
      const exchange = await rawExchange(started.url, data);
      const res = parseResponse(exchange.text);
      expect(res.status).toBe(200);
      expect(res.headers.connection).toBe(connection ?? 'keep-alive');
      expect(exchange.closed).toBe(connection === 'close');
    });
  });

  it('handleShutdown: not ready, drained, closed, exit code 0', async () => {
    const started = await serve(() => (_req, res) => res.end('ok'), env, options);
    const exits: number[] = [];
    const handle = handleShutdown(started, { signals: [], exit: (code) => exits.push(code) });
    expect(await handle.shutdown('test')).toBe(0);
    handle.dispose();
    expect(started.runtime.shutdownState.shuttingDown).toBe(true);
    expect(started.server.listening).toBe(false);
    await expect(started.runtime.knex.raw('select 1')).rejects.toThrow();
  });
});
