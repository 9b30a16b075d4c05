// The whole contract suite against the app in-process: MariaDB x {file, s3, azure}.
import { type ContractTarget, defineContractSuite } from '@divio-samples/contract-tests';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Cell, type CellStorage, databaseAvailable, startCell } from './cells.js';

const available = await databaseAvailable('mysql');

describe.skipIf(!available).each<CellStorage>(['file', 's3', 'azure'])('mysql x %s', (storage) => {
  let cell: Cell | undefined;
  beforeAll(async () => {
    cell = await startCell('mysql', storage);
  }, 120_000);
  afterAll(async () => {
    await cell?.stop();
  });

  defineContractSuite((): ContractTarget => {
    if (!cell) throw new Error('the app did not start');
    return cell.target;
  });
});
