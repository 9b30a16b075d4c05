// What the Next.js bundle gives the custom server (see src/bridge.ts): app-core's `serve`
// around the request pipeline, `runServer`, and the release command. Installed by
// src/instrumentation.ts while Next prepares.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as appCore from '@divio-samples/app-core';
import {
  type PageModel,
  runMigrations,
  runServer,
  serve,
  startupFailure,
} from '@divio-samples/app-core';
import pkg from '../package.json' with { type: 'json' };
import { type Bridge, setBridge } from './bridge.ts';
import { createRequestListener } from './requests.ts';

/** What /api/info and every log line call this app; sample.json's `framework`. */
export const FRAMEWORK = 'next.js';

export function installBridge(): void {
  const bridge: Bridge = {
    core: appCore,
    page: new AsyncLocalStorage<PageModel>(),
    startServer(env, next, options = {}) {
      return serve(
        (runtime) => {
          bridge.runtime = runtime;
          return { listener: createRequestListener(runtime, next, bridge.page), close: next.close };
        },
        env,
        { framework: FRAMEWORK, version: pkg.version, ...options },
      );
    },
    runServer,
    async migrate() {
      try {
        await runMigrations();
      } catch (err) {
        startupFailure(err);
      }
    },
  };
  setBridge(bridge);
}
