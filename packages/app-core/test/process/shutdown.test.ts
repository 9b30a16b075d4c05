// installShutdown in a real child process: signals, draining, forced close, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/shutdown-server.mjs', import.meta.url));
const children: ChildProcess[] = [];

async function start(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [fixture], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port: ${output}`)), 10_000);
    child.stdout?.on('data', () => {
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { child, port, exit, output: () => output };
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('installShutdown', () => {
  it('SIGTERM: the in-flight request completes, new connections are refused, exit 0', async () => {
    const server = await start();
    const slow = get(server.port, '/slow');
    await sleep(100);
    server.child.kill('SIGTERM');
    await sleep(100);
    await expect(get(server.port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await slow).toEqual({ status: 200, body: 'slow-done-late' });
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('resources closed');
  });

  it('SIGINT works the same', async () => {
    const server = await start();
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
  });

  it('closes connections still open after the timeout, then exits 0', async () => {
    const server = await start({ TIMEOUT_MS: '300' });
    const hang = get(server.port, '/hang').catch((err: unknown) => err);
    await sleep(100);
    const began = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(await hang).toBeInstanceOf(Error);
    expect(server.output()).toContain('shutdown timeout');
  });

  it('exits 1 when closing the resources fails', async () => {
    const server = await start({ FAIL_CLOSE: '1' });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(server.output()).toContain('closing resources failed');
  });
});
