// The whole contract suite against the app in-process: PostgreSQL x {file, s3, azure}.
import { type ContractTarget, defineContractSuite } from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Cell, type CellStorage, databaseAvailable, startCell } from './cells.js';

const available = await databaseAvailable('pg');

describe.skipIf(!available).each<CellStorage>(['file', 's3', 'azure'])('pg x %s', (storage) => {
  let cell: Cell | undefined;
  beforeAll(async () => {
    cell = await startCell('pg', storage);
  }, 120_000);
  afterAll(async () => {
    await cell?.stop();
  });

  defineContractSuite((): ContractTarget => {
    if (!cell) throw new Error('the app did not start');
    return cell.target;
  });
});
