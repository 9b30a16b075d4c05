// An app's built server (`node dist/server.js`) as a child process, serving the shared
// suites like an in-process `startServer` would: for an app whose server is a build's
// output and cannot run inside the test process (Next.js: `next build` compiles the pages,
// the route handlers and app-core into one server bundle that a custom server loads).
import type { ListenOptions } from '@divio-samples/app-core';
import { baseEnv, freePort, runNode, waitForOk } from './process.js';
import type { AppUnderTest, ServerUnderTest } from './types.js';

/**
 * Starts `node dist/server.js` in `appDir` with exactly `env` (plus PATH and the CA
 * bundle) on a free port, and resolves once `/healthz` answers. Its stdout lines go to
 * `options.logDestination`; `close()` sends SIGTERM (the graceful shutdown) and waits.
 */
export async function startBuiltServer(
  appDir: string,
  env: NodeJS.ProcessEnv,
  options: ListenOptions = {},
): Promise<ServerUnderTest> {
  const port = options.port ? options.port : await freePort();
  const proc = runNode(['dist/server.js'], {
    cwd: appDir,
    env: { ...baseEnv(), ...env, PORT: String(port) },
  });
  const destination = options.logDestination;
  if (destination) {
    let pending = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) destination.write(`${line}\n`);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${url}/healthz`, proc, 120_000);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    async close() {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      proc.child.kill('SIGTERM');
      const force = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
      await proc.exited;
      clearTimeout(force);
    },
  };
}

/** The app's own in-process `startServer` when it has one, else its built server as a child. */
export function startAppServer(
  app: Pick<AppUnderTest, 'appDir' | 'startServer'>,
  env: NodeJS.ProcessEnv,
  options: ListenOptions,
): Promise<ServerUnderTest> {
  return app.startServer
    ? app.startServer(env, options)
    : startBuiltServer(app.appDir, env, options);
}
