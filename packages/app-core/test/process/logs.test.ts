import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger, logRequest } from '../../src/process/logs.js';

describe('request logging', () => {
  it('writes one JSON line per request with method, path, status, time and id', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => lines.push(l) },
    });
    const server = createServer((req, res) => {
      logRequest(logger, req, res, 'req-123');
      res.statusCode = 418;
      res.end('teapot');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/some/path?token=secret-query`, {
      headers: { authorization: 'Bearer secret-token', cookie: 'session=secret-cookie' },
    });
    await new Promise<void>((r) => server.close(() => r()));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      reqId: 'req-123',
      method: 'GET',
      url: '/some/path',
      status: 418,
    });
    expect(typeof line.responseTime).toBe('number');
    expect(lines[0]).not.toMatch(/secret/);
  });

  it('redacts credential headers wherever a request object is logged', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => lines.push(l) },
    });
    logger.info({ req: { headers: { authorization: 'Basic c2VjcmV0', cookie: 'a=secret' } } }, 'x');
    expect(lines[0]).not.toContain('c2VjcmV0');
    expect(lines[0]).not.toContain('a=secret');
    expect(lines[0]).toContain('[redacted]');
  });
});
