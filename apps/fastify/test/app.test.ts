// What the contract suite does not pin down but this app promises: the log line, 405 with
// Allow, Fastify's own errors (bad URL, long params, repeated query params, unknown content
// types) in the contract's error shape, the response schemas, and the stream-mode upload.
import { randomUUID } from 'node:crypto';
import {
  createClient,
  expectError,
  expectSecurityHeaders,
  type HttpClient,
  multipartBody,
} from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cell, startCell } from './cells.js';

let cell: Cell;
let http: HttpClient;
beforeAll(async () => {
  cell = await startCell('sqlite', 'file', { LOG_LEVEL: 'info' });
  http = createClient(cell.target.baseUrl);
}, 60_000);
afterAll(async () => {
  await cell?.stop();
});

/** Waits for the request's log line (written when the response finished). */
async function logLineFor(reqId: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 50; i++) {
    const lines = cell.logs.filter((line) => line.reqId === reqId && 'responseTime' in line);
    if (lines.length > 0) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

describe('request log', () => {
  it('one JSON line per request: method, path, status, responseTime, reqId', async () => {
    const id = `log-${randomUUID()}`;
    const res = await http.request('/api/media?limit=2&token=secret-in-query', {
      headers: { 'x-request-id': id, authorization: 'Bearer very-secret', cookie: 'sid=secret' },
    });
    expect(res.status).toBe(200);
    expect(res.header('x-request-id')).toBe(id);
    const lines = await logLineFor(id);
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? {};
    expect(line).toMatchObject({
      app: 'fastify',
      level: 'info',
      method: 'GET',
      url: '/api/media',
      status: 200,
      reqId: id,
    });
    expect(typeof line.responseTime).toBe('number');
    // Nothing from the query string or the credential headers, on any line of the request.
    const all = JSON.stringify(cell.logs.filter((l) => l.reqId === id));
    expect(all).not.toContain('secret');
  });

  it('a 404 and an error get their line too (with the generated id)', async () => {
    const res = await http.request('/no/such/page', { headers: { 'x-request-id': 'bad id!' } });
    expect(res.status).toBe(404);
    const id = res.header('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await logLineFor(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 404, url: '/no/such/page' });
  });
});

describe('Fastify errors in the contract shape', () => {
  it('a known path with another method: 405 with Allow', async () => {
    const res = await http.request('/api/media', { method: 'PUT' });
    expectError(res, 405, 'method_not_allowed');
    expect(res.header('allow')).toBe('GET, HEAD, POST');
    expectSecurityHeaders(res);
    const item = await http.request(`/api/media/${randomUUID()}`, { method: 'POST' });
    expectError(item, 405, 'method_not_allowed');
    expect(item.header('allow')).toBe('DELETE, GET, HEAD');
  });

  it('a malformed URL: 400 bad_request with the security headers and a request id', async () => {
    const res = await http.get('/api/media/%E0%A4%A');
    expectError(res, 400, 'bad_request');
    expectSecurityHeaders(res);
    expect(res.header('x-request-id')).toBeTruthy();
  });

  it('an over-long id: 404 not_found', async () => {
    expectError(await http.get(`/api/media/${'a'.repeat(500)}`), 404, 'not_found');
  });

  it('a repeated limit: 400 invalid_query naming the field', async () => {
    const res = await http.get('/api/media?limit=1&limit=2');
    expectError(res, 400, 'invalid_query');
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/^limit: /);
  });

  it('a body of another type: 415 before the body is parsed, never a JSON parse error', async () => {
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expectError(res, 415, 'unsupported_media_type');
    expect(res.json<{ error: { message: string } }>().error.message).toBe(
      'Expected a multipart/form-data body',
    );
  });
});

describe('responses', () => {
  it('/api/info has exactly the documented fields', async () => {
    const res = await http.get('/api/info');
    expect(Object.keys(res.json<object>()).sort()).toEqual(
      ['database', 'framework', 'node', 'stage', 'storage', 'version'].sort(),
    );
  });

  it('HEAD on content: the headers without a body', async () => {
    const body = multipartBody([
      { filename: 'head.txt', contentType: 'text/plain', data: 'hello' },
    ]);
    const created = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body,
    });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    const head = await http.request(`/api/media/${id}/content`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.header('content-length')).toBe('5');
    expect(head.body.length).toBe(0);
    const etag = head.header('etag') ?? '';
    const cached = await http.request(`/api/media/${id}/content`, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
  });

  it('a file after other fields and files: only the `file` field is stored', async () => {
    const body = multipartBody([
      { field: 'note', value: 'ignored' },
      { field: 'other', filename: 'other.txt', contentType: 'text/plain', data: 'nope' },
      { filename: 'real.txt', contentType: 'text/plain', data: 'yes' },
      { field: 'after', value: 'ignored too' },
    ]);
    const res = await http.request('/api/media', {
      method: 'POST',
      headers: { 'content-type': body.contentType },
      body: body.body,
    });
    expect(res.status).toBe(201);
    expect(res.json<{ filename: string; size: number }>()).toMatchObject({
      filename: 'real.txt',
      size: 3,
    });
  });
});
