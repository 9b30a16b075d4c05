// The contract (docs/contract.md) on the object-store backends, through their emulators:
// S3 (s3rver) and Azure Blob (Azurite), each on PostgreSQL and on MariaDB.
import { defineContractCells } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

await defineContractCells(app, [
  ['pg', 's3'],
  ['mysql2', 'azure'],
  ['pg', 'azure'],
  ['mysql2', 's3'],
]);
