// The whole contract suite against the app in-process: SQLite x local files.
import { type ContractTarget, defineContractSuite } from '@divio-samples/contract-tests';
import { afterAll, beforeAll } from 'vitest';
import { type Cell, startCell } from './cells.js';

let cell: Cell | undefined;
beforeAll(async () => {
  cell = await startCell('sqlite', 'file');
}, 60_000);
afterAll(async () => {
  await cell?.stop();
});

defineContractSuite((): ContractTarget => {
  if (!cell) throw new Error('the app did not start');
  return cell.target;
});
