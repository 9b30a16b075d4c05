// This app, as the shared suites in @divio-samples/app-testkit see it. No in-process
// `startServer`: the server is `next build`'s output loaded by dist/server.js, so every
// suite runs the built server as a child process (app-testkit's `startBuiltServer`).
import { fileURLToPath } from 'node:url';
import type { AppUnderTest } from '@divio-samples/app-testkit';

export const app: AppUnderTest = {
  framework: 'next.js',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
};
