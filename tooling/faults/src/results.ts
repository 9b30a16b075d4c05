// One row per app and scenario, appended by the tests (each test file runs in its own
// worker) to a file that the global teardown (summary.ts) turns into the summary table.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = join(
  fileURLToPath(new URL('..', import.meta.url)),
  '.reports',
  'faults.jsonl',
);

export interface ResultRow {
  app: string;
  scenario: string;
  ok: boolean;
  /** The measured figures, short (`readyz 503 in 1012 ms, recovered in 140 ms`). */
  figures: string;
  ms: number;
}

export function record(row: ResultRow): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify(row)}\n`);
}

/**
 * Runs one scenario for one app and records its row: `run` returns the figures; a thrown
 * error records a failed row (its first line as the figures) and fails the test.
 */
export async function scenario(
  app: string,
  name: string,
  run: () => Promise<string>,
): Promise<void> {
  const started = Date.now();
  try {
    const figures = await run();
    record({ app, scenario: name, ok: true, figures, ms: Date.now() - started });
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    record({
      app,
      scenario: name,
      ok: false,
      figures: message.slice(0, 160),
      ms: Date.now() - started,
    });
    throw err;
  }
}
