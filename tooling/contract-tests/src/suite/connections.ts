// Connection handling: a request that declared no body keeps its keep-alive connection,
// whatever the answer (errors, redirects and 405s included); a declared body the app
// answered without reading to its end closes it (docs/contract.md, "Common rules"). The
// 413 case is in upload.ts and upload-parsing.ts, shutdown in app-testkit's shutdown suite.
//
// Over raw sockets: node:http's client can neither send half a body nor say whether the
// server kept the connection for another request.
import { describe, expect, it } from 'vitest';
import { openConnection, type RawConnection, rawMessage } from '../raw.js';
import type { ContractContext } from './context.js';
import { expectSecurityHeaders } from './expect.js';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

interface Case {
  name: string;
  method: string;
  path: string;
  status: number;
  /** Header lines besides Host (default: `X-Forwarded-Proto: https`). */
  headers?: string[];
  /** The Host to send; default the base URL's. */
  host?: string;
}

const HTTPS = 'X-Forwarded-Proto: https';
const HTTP = 'X-Forwarded-Proto: http';

/** Requests without a body: each must leave the connection open. */
const WITHOUT_BODY: Case[] = [
  { name: 'GET /api/info (200)', method: 'GET', path: '/api/info', status: 200 },
  { name: 'HEAD / (200)', method: 'HEAD', path: '/', status: 200 },
  { name: 'GET /nope (404)', method: 'GET', path: '/nope', status: 404 },
  { name: 'GET /api/media?limit=0 (400)', method: 'GET', path: '/api/media?limit=0', status: 400 },
  { name: 'GET /api/media/%zz (400)', method: 'GET', path: '/api/media/%zz', status: 400 },
  {
    name: 'GET with a wrong Host (400 bad_host)',
    method: 'GET',
    path: '/api/info',
    host: 'evil.example',
    status: 400,
  },
  { name: 'PUT /api/info (405)', method: 'PUT', path: '/api/info', status: 405 },
  { name: 'OPTIONS /api/media (405)', method: 'OPTIONS', path: '/api/media', status: 405 },
  { name: 'GET over http (301)', method: 'GET', path: '/', headers: [HTTP], status: 301 },
  {
    name: 'DELETE over http (308)',
    method: 'DELETE',
    path: `/api/media/${SOME_ID}`,
    headers: [HTTP],
    status: 308,
  },
  {
    name: 'POST /nope with Content-Length: 0 (404)',
    method: 'POST',
    path: '/nope',
    headers: [HTTPS, 'Content-Length: 0'],
    status: 404,
  },
  {
    name: 'POST /api/media with Content-Length: 0 (415)',
    method: 'POST',
    path: '/api/media',
    headers: [HTTPS, 'Content-Length: 0'],
    status: 415,
  },
];

/** Requests the app answers without reading their (declared, unsent) body. */
const OCTETS = 'Content-Type: application/octet-stream';
const UNREAD_BODY: Case[] = [
  {
    name: 'POST /nope (404)',
    method: 'POST',
    path: '/nope',
    headers: [HTTPS, OCTETS],
    status: 404,
  },
  {
    name: 'PUT /api/info (405)',
    method: 'PUT',
    path: '/api/info',
    headers: [HTTPS, OCTETS],
    status: 405,
  },
  {
    name: 'POST /api/media as JSON (415)',
    method: 'POST',
    path: '/api/media',
    headers: [HTTPS, 'Content-Type: application/json'],
    status: 415,
  },
  {
    name: 'POST /api/media over http (308)',
    method: 'POST',
    path: '/api/media',
    headers: [HTTP, 'Content-Type: multipart/form-data; boundary=x'],
    status: 308,
  },
  {
    name: 'POST /api/media with a wrong Host (400 bad_host)',
    method: 'POST',
    path: '/api/media',
    host: 'evil.example',
    headers: [HTTPS, 'Content-Type: multipart/form-data; boundary=x'],
    status: 400,
  },
];

export function defineConnectionTests(ctx: ContractContext): void {
  describe('connections (keep-alive)', () => {
    const lines = (c: Case, extra: string[] = []): string[] => [
      `${c.method} ${c.path} HTTP/1.1`,
      `Host: ${c.host ?? ctx.http.host}`,
      ...(c.headers ?? [HTTPS]),
      ...extra,
    ];

    const withConnection = async (use: (connection: RawConnection) => Promise<void>) => {
      const connection = await openConnection(ctx.http.baseUrl);
      try {
        await use(connection);
      } finally {
        connection.close();
      }
    };

    const named = (cases: Case[]) => cases.map((c) => [c.name, c] as const);

    it.each(named(WITHOUT_BODY))(
      '%s: no body declared, the connection stays open',
      async (_name, c) => {
        await withConnection(async (connection) => {
          connection.write(rawMessage(lines(c)));
          const first = await connection.response({ head: c.method === 'HEAD' });
          expect(first.status, first.head).toBe(c.status);
          expect(first.header('connection') ?? '', first.head).not.toMatch(/\bclose\b/i);
          expectSecurityHeaders(first);
          // The same connection carries the next request.
          connection.write(
            rawMessage(['GET /healthz HTTP/1.1', `Host: ${ctx.http.host}`, 'Connection: close']),
          );
          const second = await connection.response();
          expect(second.status, second.head).toBe(200);
        });
      },
    );

    it.each(named(UNREAD_BODY))(
      '%s: a declared body the app did not read closes the connection',
      async (_name, c) => {
        await withConnection(async (connection) => {
          // 1 MiB declared, 1 KiB sent: the app answers without waiting for the rest.
          connection.write(rawMessage(lines(c, ['Content-Length: 1048576']), 'x'.repeat(1024)));
          const res = await connection.response();
          expect(res.status, res.head).toBe(c.status);
          expect(res.header('connection') ?? '(none)', res.head).toMatch(/\bclose\b/i);
          expectSecurityHeaders(res);
          expect(await connection.closed(), 'the server closed the connection').toBe(true);
        });
      },
    );

    it('an unfinished chunked body (Transfer-Encoding) closes the connection too', async () => {
      await withConnection(async (connection) => {
        connection.write(
          rawMessage(
            [
              'POST /nope HTTP/1.1',
              `Host: ${ctx.http.host}`,
              HTTPS,
              'Transfer-Encoding: chunked',
              OCTETS,
            ],
            `400\r\n${'y'.repeat(1024)}\r\n`,
          ),
        );
        const res = await connection.response();
        expect(res.status, res.head).toBe(404);
        expect(res.header('connection') ?? '(none)', res.head).toMatch(/\bclose\b/i);
        expect(await connection.closed(), 'the server closed the connection').toBe(true);
      });
    });
  });
}
