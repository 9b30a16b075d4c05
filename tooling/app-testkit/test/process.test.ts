// The process helpers the shared suites stand on: a free port, a child's output and exit,
// and waitForOk giving up (with the output) when the process dies first.
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { baseEnv, displayName, freePort, runNode, waitForOk } from '../src/index.js';

describe('process helpers', () => {
  it('freePort returns a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('runNode collects stdout and stderr and reports the exit code', async () => {
    const proc = runNode(['-e', 'console.log("out"); console.error("err"); process.exit(3)'], {
      cwd: tmpdir(),
      env: baseEnv(),
    });
    expect(await proc.exited).toEqual({ code: 3, signal: null });
    expect(proc.output()).toContain('out');
    expect(proc.output()).toContain('err');
  });

  it('waitForOk resolves once the URL answers 200', async () => {
    const port = await freePort();
    const proc = runNode(
      [
        '-e',
        `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`,
      ],
      { cwd: tmpdir(), env: baseEnv() },
    );
    try {
      await waitForOk(`http://127.0.0.1:${port}/`, proc, 10_000);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });

  it('waitForOk fails with the output when the process exits first', async () => {
    const port = await freePort();
    const proc = runNode(['-e', 'console.error("boom: no config"); process.exit(1)'], {
      cwd: tmpdir(),
      env: baseEnv(),
    });
    await expect(waitForOk(`http://127.0.0.1:${port}/`, proc, 10_000)).rejects.toThrow(
      /exited before .*\n.*boom: no config/s,
    );
  });

  it('displayName capitalises the framework for suite titles', () => {
    expect(displayName('express')).toBe('Express');
    expect(displayName('koa')).toBe('Koa');
  });
});
