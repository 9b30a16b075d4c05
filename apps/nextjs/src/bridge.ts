// The bridge between the custom server (dist/server.js and dist/migrate.js: plain Node,
// compiled by tsc, importing only `next`) and the code Next.js compiles into its server
// bundle (instrumentation, pages, route handlers, and app-core with them). Next bundles
// the workspace package app-core into that bundle; the custom server cannot import the
// bundle, and importing app-core beside it would give the process two copies (two
// runtimes, two `HttpError` classes). So the bundle puts what the server needs on one
// object under a registered symbol (src/bundle.ts, installed by src/instrumentation.ts),
// and the server, the pages and the route handlers all reach the one runtime, and the one
// copy of app-core, through it. Only types come from app-core here: this module is in
// both worlds.
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListenOptions, PageModel, Runtime, StartedServer } from '@divio-samples/app-core';

/** What the custom server hands the pipeline: Next's request handler and its close step. */
export interface NextServer {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
  /** `.next/static`: Next's hashed client chunks, served under `/_next/static/`. */
  staticDir: string;
}

export interface Bridge {
  /**
   * app-core's `serve` with the request pipeline (src/requests.ts) in front of Next's
   * handler: reads `env`, listens, and shares the runtime with the pages and route handlers.
   */
  startServer(
    env: NodeJS.ProcessEnv,
    next: NextServer,
    options?: ListenOptions,
  ): Promise<StartedServer>;
  /** app-core's `runServer`: the startup failure, the `listening` line, graceful shutdown. */
  runServer(start: () => Promise<StartedServer>): Promise<unknown>;
  /** The release command: app-core's `runMigrations`, exiting 1 on failure. */
  migrate(): Promise<void>;
  /**
   * app-core itself, for the page and the route handlers. Next compiles instrumentation and
   * the app's routes in different layers, each with its own copy of every module it
   * imports: a route handler importing app-core would get a second copy, whose
   * `toErrorResponse` does not recognise the first copy's `HttpError` (the runtime's).
   */
  core: AppCore;
  /** The runtime of the running server (set by `startServer`). */
  runtime?: Runtime;
  /** The page being rendered: the pipeline loads the model, the React page renders it. */
  page: AsyncLocalStorage<PageModel>;
}

/**
 * Next drops `Content-Length` from a route handler's Response (it cannot tell whether a
 * fetched body was decoded on the way), and a JSON answer or a file would go out chunked,
 * without its length. The route handlers declare the length in this header instead; the
 * request pipeline turns it back into `Content-Length` before the headers go out.
 */
export const DECLARED_LENGTH = 'x-declared-content-length';

/** app-core's API (a type only: the value comes through the bridge). */
export type AppCore = typeof import('@divio-samples/app-core');

const KEY = Symbol.for('@divio-samples/nextjs.bridge');

type Global = typeof globalThis & { [KEY]?: Bridge };

export function setBridge(bridge: Bridge): void {
  (globalThis as Global)[KEY] = bridge;
}

/** The bridge; fails when Next has not run src/instrumentation.ts (no build, or no prepare). */
export function bridge(): Bridge {
  const found = (globalThis as Global)[KEY];
  if (!found) throw new Error('the Next.js bundle did not install its bridge (is .next built?)');
  return found;
}

/** app-core, for pages and route handlers (see `Bridge.core`). */
export function core(): AppCore {
  return bridge().core;
}

/** The runtime, for pages and route handlers (they only run once the server listens). */
export function runtime(): Runtime {
  const { runtime } = bridge();
  if (!runtime) throw new Error('no runtime: the server has not started');
  return runtime;
}
