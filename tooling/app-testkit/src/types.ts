import type { ListenOptions, StartedServer } from '@divio-samples/app-core';

export type { ListenOptions, StartedServer };

/** What the shared suites need to know about one sample app. */
export interface AppUnderTest {
  /** The framework name the app reports (`/api/info`, log lines): 'express', 'koa', ... */
  framework: string;
  /** The app's directory (holding `dist/server.js` and `dist/migrate.js` after a build). */
  appDir: string;
  /** The app's own `startServer` from src/server.ts, started in-process. */
  startServer: (env: NodeJS.ProcessEnv, options: ListenOptions) => Promise<StartedServer>;
}

/** 'express' -> 'Express', for suite titles. */
export function displayName(framework: string): string {
  return framework.charAt(0).toUpperCase() + framework.slice(1);
}
