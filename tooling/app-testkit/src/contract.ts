// The contract (docs/contract.md) as one describe per cell: `<framework> × <database> × <storage>`.
// A cell whose database is not reachable skips (and, under CI=true, fails the run).
import { defineBrowserSuite, defineContractSuite } from '@divio-samples/contract-tests';
import { describe } from 'vitest';
import { type CellDatabase, type CellStorage, databaseAvailable, useCell } from './cell.js';
import type { AppUnderTest } from './types.js';

type App = Pick<AppUnderTest, 'framework' | 'appDir' | 'startServer'>;

/**
 * Defines the contract suite once per `[database, storage]` cell. Call it at the top level
 * of a test file: it awaits the database probes before registering the suites.
 */
export async function defineContractCells(
  app: App,
  cells: readonly (readonly [CellDatabase, CellStorage])[],
): Promise<void> {
  const available = new Map<CellDatabase, boolean>();
  for (const [database] of cells) {
    if (!available.has(database)) available.set(database, await databaseAvailable(database));
  }
  for (const [database, storage] of cells) {
    describe.skipIf(!available.get(database))(`${app.framework} × ${database} × ${storage}`, () => {
      const cell = useCell(app, database, storage);
      defineContractSuite(() => cell.target(), { logs: () => cell.logs() });
    });
  }
}

/**
 * A person's path through the app in a real browser (Chromium driven by playwright-core),
 * on SQLite and local files. Without Chromium it skips and says so; under CI=true that fails.
 */
export function defineBrowserCell(app: App): void {
  describe('browser × better-sqlite3 × file', () => {
    const cell = useCell(app, 'better-sqlite3', 'file');
    defineBrowserSuite(() => cell.target());
  });
}
