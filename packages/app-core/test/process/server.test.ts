// serve(): the one way every app listens, drains and closes, with a plain request listener
// (Express, Koa) and with one that has a close step of its own (Fastify).
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, type IncomingMessage, request } from 'node:http';
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
