// The process entry point (`node dist/server.js`, the image's CMD): a custom server around
// Next.js. It loads Next with the configuration the build serialised (as Next's own
// standalone server.js does), lets Next prepare (which runs src/instrumentation.ts and so
// installs the bridge: app-core from Next's server bundle, see src/bridge.ts), then starts
// app-core's server with the request pipeline in front of Next's handler: PORT (80 by
// default) on every interface, graceful shutdown on SIGTERM/SIGINT. Compiled by tsc, not
// by Next: it imports only `next` and Node's own modules.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bridge, bridge, type NextServer } from './bridge.ts';

/** The app directory: holds .next (the build) whether run from apps/nextjs or the image. */
export const appDir = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Loads Next.js for production from the build in `.next` and prepares it (instrumentation
 * included). The configuration is the one `next build` wrote: with it, Next loads neither
 * next.config.ts (which needs its compiler, absent from the standalone output) nor any
 * `.env` file (configuration comes from the environment only).
 */
export async function prepareNext(): Promise<{
  bridge: Bridge;
  next: NextServer;
}> {
  const distDir = join(appDir, '.next');
  const serverFiles = JSON.parse(
    readFileSync(join(distDir, 'required-server-files.json'), 'utf8'),
  ) as { config: Record<string, unknown> };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(serverFiles.config);
  // React and Next pick their production builds from NODE_ENV when they are first loaded.
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const { default: nextModule } = await import('next');
  // Node imports Next's CommonJS entry as its `module.exports`, the function itself; the
  // types describe that module as an ES module whose default export is the function.
  const next = nextModule as unknown as typeof nextModule.default;
  const nextApp = next({ dev: false, dir: appDir, customServer: true });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  return {
    bridge: bridge(),
    next: {
      handle: (req, res) => handle(req, res),
      close: () => nextApp.close(),
      staticDir: join(distDir, 'static'),
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { bridge, next } = await prepareNext();
  await bridge.runServer(() => bridge.startServer(process.env, next));
}
