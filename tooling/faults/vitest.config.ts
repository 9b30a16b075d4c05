import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // One scenario file at a time: each starts app processes and measures times and
      // memory, which two files competing for the 2 CI cores would distort.
      fileParallelism: false,
      // Prints the summary table (one row per app and scenario) after the last file.
      globalSetup: ['./src/summary.ts'],
      testTimeout: 120_000,
    },
  }),
);
