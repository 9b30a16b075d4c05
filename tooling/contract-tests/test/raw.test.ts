// The raw-socket helpers against throwaway servers on 127.0.0.1: bytes go on the wire as
// given, responses are framed the three ways HTTP/1.1 frames them, a closed connection is
// seen as closed, and every wait is bounded.
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, rawMessage, rawRequest } from '../src/raw.js';

let http: Server;
let httpBase = '';
let tcp: TcpServer;
let tcpBase = '';
/** What the TCP server answers next, by the request's first line. */
const scripted = new Map<string, string>();
let received = '';

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('hello ');
      res.end('world');
      return;
    }
    if (req.url === '/hang') return;
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      host: req.headers.host ?? null,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] });
    res.end(body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  // A server that writes exactly the scripted bytes, then closes: for framings node:http
  // would never produce.
  tcp = createTcpServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const line = received.split('\r\n')[0] ?? '';
      const answer = scripted.get(line);
      if (answer !== undefined && received.includes('\r\n\r\n')) {
        received = '';
        socket.end(answer);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpBase = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => tcp.close(resolve));
});

describe('rawMessage', () => {
  it('joins lines with CRLF, adds the blank line, then the body', () => {
    expect(rawMessage(['GET / HTTP/1.1', 'Host: x'], 'b').toString()).toBe(
      'GET / HTTP/1.1\r\nHost: x\r\n\r\nb',
    );
  });
});

describe('rawRequest', () => {
  it('sends the bytes as given and reads a Content-Length response', async () => {
    const res = await rawRequest(
      httpBase,
      rawMessage(['GET /a%2e%2e/b HTTP/1.1', 'Host: odd.example', 'Connection: close']),
    );
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ method: 'GET', url: '/a%2e%2e/b', host: 'odd.example' });
    expect(res.header('x-twice')).toBe('a, b');
    expect(res.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(res.closed).toBe(true);
  });

  it('sends a request without Host, which node:http would refuse to write', async () => {
    const res = await rawRequest(httpBase, rawMessage(['GET / HTTP/1.1', 'Connection: close']));
    // Node's own server refuses it (requireHostHeader): the default 400, no body.
    expect(res.status).toBe(400);
    expect(res.closed).toBe(true);
  });

  it('decodes a chunked body', async () => {
    const res = await rawRequest(
      httpBase,
      rawMessage(['GET /chunked HTTP/1.1', 'Host: x', 'Connection: close']),
    );
    expect(res.header('transfer-encoding')).toBe('chunked');
    expect(res.text()).toBe('hello world');
  });

  it('reads a body without framing until the server closes; skips a 100 Continue', async () => {
    scripted.set(
      'GET /unframed HTTP/1.1',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it',
    );
    const res = await rawRequest(tcpBase, rawMessage(['GET /unframed HTTP/1.1', 'Host: x']));
    expect(res.status).toBe(200);
    expect(res.text()).toBe('all of it');
    expect(res.closed).toBe(true);
  });

  it('fails on a response cut short by the server', async () => {
    scripted.set('GET /short HTTP/1.1', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    await expect(
      rawRequest(tcpBase, rawMessage(['GET /short HTTP/1.1', 'Host: x'])),
    ).rejects.toThrow(/closed before a complete response/);
  });

  it('gives up after the timeout when no answer comes', async () => {
    const started = Date.now();
    await expect(
      rawRequest(httpBase, rawMessage(['GET /hang HTTP/1.1', 'Host: x']), { timeoutMs: 300 }),
    ).rejects.toThrow(/no complete response within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('openConnection', () => {
  it('carries several requests on one connection; closed() tells open from closed', async () => {
    const connection = await openConnection(httpBase);
    try {
      connection.write(rawMessage(['GET /one HTTP/1.1', 'Host: x']));
      expect((await connection.response()).json()).toMatchObject({ url: '/one' });
      expect(await connection.closed(200)).toBe(false);
      connection.write(rawMessage(['HEAD /two HTTP/1.1', 'Host: x']));
      const head = await connection.response({ head: true });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      connection.write(rawMessage(['GET /three HTTP/1.1', 'Host: x', 'Connection: close']));
      const last = await connection.response();
      expect(last.json()).toMatchObject({ url: '/three' });
      expect(last.header('connection')).toBe('close');
      expect(await connection.closed()).toBe(true);
    } finally {
      connection.close();
    }
  });

  it('fails to connect to a port nobody listens on', async () => {
    const unused = createTcpServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const port = (unused.address() as AddressInfo).port;
    await new Promise((resolve) => unused.close(resolve));
    await expect(openConnection(`http://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
