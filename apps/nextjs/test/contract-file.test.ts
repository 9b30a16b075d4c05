// The contract (docs/contract.md) on every database with the local file backend.
import { defineContractCells } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

await defineContractCells(app, [
  ['better-sqlite3', 'file'],
  ['pg', 'file'],
  ['mysql2', 'file'],
]);
