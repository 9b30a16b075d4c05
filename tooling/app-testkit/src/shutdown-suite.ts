// Graceful shutdown of the real process (`node dist/server.js`): SIGTERM while an upload is
// in flight, requests that still arrive on open connections while it drains, and a second
// signal (docs/contract.md, "Process behaviour").

import { mkdtemp, rm } from 'node:fs/promises';
import { type ClientRequest, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, freePort, type RunningProcess, runNode, waitForOk } from './process.js';
import type { AppUnderTest } from './types.js';

/** One HTTP/1.1 answer read off a {@link RawConnection}. */
interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/**
 * A keep-alive connection driven byte by byte. Node's http client cannot stop in the middle
 * of a request's header block, and the draining test needs exactly that: a request whose
 * first bytes reach the server before SIGTERM (so the server counts the connection as busy
 * and keeps it, where an idle one is closed at once) and whose end arrives after. Answers
 * are read by a minimal reader: status line, headers, then a body of `Content-Length`
 * bytes, a chunked body (a page a framework streams, such as Next.js's), or up to the
 * close when there is neither.
 */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private ended = false;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        this.waiting?.();
        resolve();
      };
      socket.once('end', done);
      socket.once('close', done);
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next complete answer; fails after `timeoutMs`. */
  async read(timeoutMs = 5000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = this.take();
      if (response) return response;
      if (this.ended) throw new Error(`connection closed before a full answer: ${this.peek()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no full answer within ${timeoutMs} ms: ${this.peek()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private peek(): string {
    return JSON.stringify(this.buffer.toString('latin1').slice(0, 200));
  }

  /** Removes and returns one complete answer from the buffer, if there is one. */
  private take(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.buffer
      .subarray(0, end)
      .toString('latin1')
      .split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) throw new Error(`not an HTTP answer: ${this.peek()}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = end + 4;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunked = readChunked(this.buffer, start);
      if (!chunked) return undefined;
      this.buffer = this.buffer.subarray(chunked.stop);
      return { status, headers, body: chunked.body.toString('utf8') };
    }
    let stop: number;
    if (headers['content-length'] !== undefined) {
      stop = start + Number(headers['content-length']);
      if (this.buffer.length < stop) return undefined;
    } else {
      if (!this.ended) return undefined;
      stop = this.buffer.length;
    }
    const body = this.buffer.subarray(start, stop).toString('utf8');
    this.buffer = this.buffer.subarray(stop);
    return { status, headers, body };
  }
}

/**
 * A chunked body (RFC 9112 section 7.1) starting at `start`: its bytes and where the
 * message ends, or undefined while it is incomplete. Chunk extensions and trailers are
 * skipped.
 */
function readChunked(buffer: Buffer, start: number): { body: Buffer; stop: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = buffer.indexOf('\r\n\r\n', at - 2);
      if (trailerEnd < 0) return undefined;
      return { body: Buffer.concat(parts), stop: trailerEnd + 4 };
    }
    if (buffer.length < at + size + 2) return undefined;
    parts.push(buffer.subarray(at, at + size));
    at += size + 2;
  }
}

/** Needs the app built (`dist/server.js`); the turbo `test` task builds first. */
export function defineShutdownSuite(app: Pick<AppUnderTest, 'framework' | 'appDir'>): void {
  describe('SIGTERM (node dist/server.js)', () => {
    let scratch: string;
    let proc: RunningProcess | undefined;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), `${app.framework}-shutdown-`));
    });
    afterAll(async () => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await rm(scratch, { recursive: true, force: true });
    });

    it('finishes the in-flight upload, refuses new work, closes and exits 0', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      proc = runNode(['dist/server.js'], {
        cwd: app.appDir,
        env: {
          ...baseEnv(),
          STAGE: 'local',
          PORT: String(port),
          DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
          DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
          SECURE_SSL_REDIRECT: 'False',
          SHUTDOWN_TIMEOUT_MS: '8000',
        },
      });
      await waitForOk(`${base}/readyz`, proc);

      // A slow multipart upload: the head and a first chunk now, the rest after SIGTERM.
      const boundary = 'shutdown-test-boundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\nContent-Type: text/plain\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      const upload = request(`${base}/api/media`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      const response = new Promise<{ status: number; body: string; connection?: string }>(
        (resolve, reject) => {
          upload.on('response', (res) => {
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
          upload.on('error', reject);
        },
      );
      upload.write(head);
      upload.write('first half, ');
      await new Promise((r) => setTimeout(r, 300));

      proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));

      // New work is refused: the listener is closed (or, on a race, readiness says 503).
      const probe = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.status,
        (err: unknown) => (err instanceof Error ? err.name : 'error'),
      );
      expect([503, 'TypeError']).toContain(probe);
      expect(proc.child.exitCode).toBeNull();

      upload.end(`second half${tail}`);
      const result = await response;
      expect(result.status, result.body).toBe(201);
      expect(JSON.parse(result.body)).toMatchObject({ filename: 'slow.txt', size: 23 });
      // The now idle keep-alive socket is closed by the server, so the process can exit.

      const exit = await proc.exited;
      expect(exit, proc.output()).toEqual({ code: 0, signal: null });
      expect(proc.output()).toContain('shutdown complete');
    });

    it('while draining, serves requests on open connections: Connection: close, /readyz 503, /healthz 200', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const host = `127.0.0.1:${port}`;
      proc = runNode(['dist/server.js'], {
        cwd: app.appDir,
        env: {
          ...baseEnv(),
          STAGE: 'local',
          PORT: String(port),
          DATABASE_URL: `sqlite:///${join(scratch, 'db-drain.sqlite3')}`,
          DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media-drain')}/?url=%2Fmedia%2F`,
          SECURE_SSL_REDIRECT: 'False',
          SHUTDOWN_TIMEOUT_MS: '8000',
        },
      });
      const running = proc;
      await waitForOk(`${base}/readyz`, running);
      const paths = ['/api/info', '/', '/readyz', '/healthz'] as const;
      const connections: RawConnection[] = [];
      let upload: ClientRequest | undefined;
      try {
        // Keep-alive connections, each shown to be reusable by a first request.
        for (let i = 0; i < paths.length; i++) {
          const connection = await RawConnection.open(port);
          connections.push(connection);
          connection.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
          const first = await connection.read();
          expect(first.status).toBe(200);
          expect(first.headers.connection ?? 'keep-alive').not.toMatch(/close/i);
        }

        // A slow upload holds the server open while it drains.
        const boundary = 'drain-test-boundary';
        const slow = request(`${base}/api/media`, {
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        upload = slow;
        const uploaded = new Promise<number>((resolve, reject) => {
          slow.on('response', (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          slow.on('error', reject);
        });
        // Awaited below; this only keeps an early failure from surfacing as unhandled.
        uploaded.catch(() => {});
        slow.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="drain.txt"\r\nContent-Type: text/plain\r\n\r\nslow `,
        );

        // The next requests start before the signal and end after it.
        paths.forEach((path, i) => {
          connections[i]?.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n`);
        });
        await new Promise((r) => setTimeout(r, 300));
        running.child.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 500));
        expect(running.child.exitCode, running.output()).toBeNull();

        const answers: RawResponse[] = [];
        for (const connection of connections) {
          connection.write('Accept: */*\r\n\r\n');
          answers.push(await connection.read());
        }
        const [info, page, readyz, healthz] = answers as [
          RawResponse,
          RawResponse,
          RawResponse,
          RawResponse,
        ];

        // Ordinary requests are served, and told to reconnect elsewhere.
        expect(info.status, info.body).toBe(200);
        expect(JSON.parse(info.body)).toMatchObject({ framework: app.framework });
        expect(info.headers.connection, 'GET /api/info: Connection').toMatch(/^close$/i);
        expect(page.status, page.body.slice(0, 200)).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html\b/i);
        expect(page.headers.connection, 'GET /: Connection').toMatch(/^close$/i);
        await connections[0]?.closed;
        await connections[1]?.closed;

        // The probes: not ready any more, still alive.
        expect(readyz.status, readyz.body).toBe(503);
        expect(JSON.parse(readyz.body)).toMatchObject({
          status: 'unavailable',
          checks: { shutdown: { ok: false } },
        });
        expect(healthz.status, healthz.body).toBe(200);
        expect(JSON.parse(healthz.body)).toEqual({ status: 'ok' });

        slow.end(`upload\r\n--${boundary}--\r\n`);
        expect(await uploaded).toBe(201);
      } finally {
        for (const connection of connections) connection.destroy();
        upload?.destroy();
      }
      const exit = await running.exited;
      expect(exit, running.output()).toEqual({ code: 0, signal: null });
    });

    it('a second signal exits at once with code 1', async () => {
      const port = await freePort();
      proc = runNode(['dist/server.js'], {
        cwd: app.appDir,
        env: {
          ...baseEnv(),
          STAGE: 'local',
          PORT: String(port),
          DATABASE_URL: 'sqlite://:memory:',
          DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media2')}/?url=%2Fmedia%2F`,
          SECURE_SSL_REDIRECT: 'False',
          SHUTDOWN_TIMEOUT_MS: '30000',
        },
      });
      await waitForOk(`http://127.0.0.1:${port}/healthz`, proc);
      // Hold a request open so the first SIGTERM cannot finish by itself.
      const hold = request(`http://127.0.0.1:${port}/api/media`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      });
      hold.on('error', () => {});
      hold.write('--x\r\n');
      await new Promise((r) => setTimeout(r, 300));
      proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      proc.child.kill('SIGTERM');
      const exit = await proc.exited;
      expect(exit.code, proc.output()).toBe(1);
      hold.destroy();
    });
  });
}
