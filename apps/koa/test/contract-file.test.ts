// The contract (docs/contract.md) on every database with the local file backend.
import { defineContractSuite } from '@divio-samples/contract-tests';
import { describe } from 'vitest';
import { type CellDatabase, databaseAvailable, useCell } from './cell.js';

const databases: CellDatabase[] = ['better-sqlite3', 'pg', 'mysql2'];
const available = new Map<CellDatabase, boolean>();
for (const database of databases) available.set(database, await databaseAvailable(database));

for (const database of databases) {
  describe.skipIf(!available.get(database))(`koa × ${database} × file`, () => {
    const cell = useCell(database, 'file');
    defineContractSuite(() => cell.target());
  });
}
