// The HTTP client against a throwaway server on 127.0.0.1: what goes on the wire.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import { streamedMultipart } from '../src/multipart.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Each X-Forwarded-Proto line as sent. */
  rawProto: string[];
  body: Buffer;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/refuse') {
      // Answer at once and drop the connection, like a server refusing an oversized body.
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"error":{"code":"payload_too_large","message":"too large"}}', () =>
        req.socket.destroy(),
      );
      return;
    }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/html') {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawProto: req.rawHeaders.filter(
          (_value, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'x-forwarded-proto',
        ),
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const last = (): Seen => {
  const entry = seen.at(-1);
  if (!entry) throw new Error('no request seen');
  return entry;
};

describe('createClient', () => {
  it('sends X-Forwarded-Proto: https and the base host by default', async () => {
    const client = createClient(base);
    const res = await client.get('/x');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(last().headers['x-forwarded-proto']).toBe('https');
    expect(last().headers.host).toBe(new URL(base).host);
  });

  it('sends any Host, another proto, or none', async () => {
    const client = createClient(base);
    await client.get('/x', { host: 'evil.example', forwardedProto: 'http' });
    expect(last().headers.host).toBe('evil.example');
    expect(last().headers['x-forwarded-proto']).toBe('http');
    await client.get('/x', { forwardedProto: null });
    expect(last().headers['x-forwarded-proto']).toBeUndefined();
  });

  it('sends an X-Forwarded-Proto value as is, and an array as separate header lines', async () => {
    const client = createClient(base);
    await client.get('/x', { forwardedProto: 'HTTP, https' });
    expect(last().headers['x-forwarded-proto']).toBe('HTTP, https');
    await client.get('/x', { forwardedProto: ['http', 'https'] });
    // node:http joins repeated lines with ", "; rawHeaders shows there were two.
    expect(last().headers['x-forwarded-proto']).toBe('http, https');
    expect(last().rawProto).toEqual(['http', 'https']);
  });

  it('puts the path on the wire unnormalised', async () => {
    const client = createClient(base);
    await client.get('/media/../package.json?a=%2e%2e');
    expect(last().url).toBe('/media/../package.json?a=%2e%2e');
    await client.get('/media/%2e%2e/x');
    expect(last().url).toBe('/media/%2e%2e/x');
  });

  it('sends a buffer with its Content-Length, and other methods', async () => {
    const client = createClient(base);
    await client.request('/upload', { method: 'PUT', body: 'héllo' });
    expect(last().method).toBe('PUT');
    expect(last().headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
    expect(last().body.toString('utf8')).toBe('héllo');
  });

  it('streams an async iterable chunked', async () => {
    const client = createClient(base);
    const body = streamedMultipart('s.bin', 300_000);
    await client.request('/stream', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body(),
    });
    expect(last().headers['transfer-encoding']).toBe('chunked');
    expect(last().body.length).toBe(body.length);
  });

  it('delivers a response sent before the body was read, then the server reset', async () => {
    const client = createClient(base);
    const body = streamedMultipart('big.bin', 20 * 1024 * 1024);
    const res = await client.request('/refuse', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body(),
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('joins repeated headers and reads header names case-insensitively', async () => {
    const res = await createClient(base).get('/x');
    expect(res.header('X-Twice')).toBe('a, b');
    expect(res.header('x-missing')).toBeUndefined();
  });

  it('fails after timeoutMs instead of hanging', async () => {
    await expect(createClient(base).get('/hang', { timeoutMs: 200 })).rejects.toThrow(
      /no complete response within 200 ms/,
    );
  });

  it('names the request when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(createClient(`http://127.0.0.1:${port}`).get('/healthz')).rejects.toThrow(
      /GET \/healthz: .*ECONNREFUSED/,
    );
  });

  it('rejects a JSON parse of a non-JSON body, naming the status', async () => {
    const res = await createClient(base).get('/html');
    expect(res.status).toBe(404);
    expect(() => res.json()).toThrow(/expected a JSON body, got status 404: "<html>"/);
  });
});
