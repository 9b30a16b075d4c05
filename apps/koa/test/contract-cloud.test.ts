// The contract (docs/contract.md) on the object-store backends, through their emulators:
// S3 (s3rver) and Azure Blob (Azurite), each on PostgreSQL and on MariaDB.
import { defineContractSuite } from '@divio-samples/contract-tests';
import { describe } from 'vitest';
import { type CellDatabase, type CellStorage, databaseAvailable, useCell } from './cell.js';

const cells: [CellDatabase, CellStorage][] = [
  ['pg', 's3'],
  ['mysql2', 'azure'],
  ['pg', 'azure'],
  ['mysql2', 's3'],
];
const available = new Map<CellDatabase, boolean>();
for (const [database] of cells) {
  if (!available.has(database)) available.set(database, await databaseAvailable(database));
}

for (const [database, storage] of cells) {
  describe.skipIf(!available.get(database))(`koa × ${database} × ${storage}`, () => {
    const cell = useCell(database, storage);
    defineContractSuite(() => cell.target());
  });
}
