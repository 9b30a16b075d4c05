import type { ListenOptions, StartedServer } from '@divio-samples/app-core';

export type { ListenOptions, StartedServer };

/** What the shared suites need to know about one sample app. */
export interface AppUnderTest {
  /** The framework name the app reports (`/api/info`, log lines): 'express', 'koa', ... */
  framework: string;
  /** The app's directory (holding `dist/server.js` and `dist/migrate.js` after a build). */
  appDir: string;
  /**
   * The app's own `startServer` from src/server.ts, started in-process. Without it the
   * suites run the built `dist/server.js` as a child process (`startBuiltServer`).
   */
  startServer?: (env: NodeJS.ProcessEnv, options: ListenOptions) => Promise<StartedServer>;
}

/** A started app as the suites use it: in-process (app-core's StartedServer) or a child. */
export interface ServerUnderTest {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Stops the server and releases what it holds. */
  close(): Promise<void>;
  /** In-process only: the runtime, whose state a test may change. */
  runtime?: Pick<StartedServer['runtime'], 'shutdownState'>;
}

/** 'express' -> 'Express', for suite titles. */
export function displayName(framework: string): string {
  return framework.charAt(0).toUpperCase() + framework.slice(1);
}
