// The vitest settings every package and app shares. Each package's vitest.config.ts
// merges this in, so reports land where `npm test` (scripts/test.mjs) sums them up.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    // Tests that boot servers and emulators need more than the 5 s default on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
