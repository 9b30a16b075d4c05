// This app, as the shared suites in @divio-samples/app-testkit see it.
import { fileURLToPath } from 'node:url';
import type { AppUnderTest } from '@divio-samples/app-testkit';
import { startServer } from '../src/server.ts';

export const app: AppUnderTest = {
  framework: 'nestjs',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  startServer,
};
