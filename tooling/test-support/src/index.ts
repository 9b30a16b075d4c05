// Test helpers shared by every package and app of the workspace.
export {
  AZURITE_ACCOUNT,
  AZURITE_ACCOUNT_KEY,
  type AzuriteHandle,
  type AzuriteOptions,
  type PublicAccess,
  startAzurite,
} from './azurite.js';
export {
  createTempDatabase,
  type DatabaseKind,
  DEFAULT_MYSQL_URL,
  DEFAULT_PG_URL,
  hostPort,
  isReachable,
  mysqlUrl,
  pgUrl,
  type TempDatabase,
  uniqueDatabaseName,
} from './databases.js';
export { canConnect, freePort } from './ports.js';
export {
  type S3rverHandle,
  type S3rverOptions,
  type StorageDsnOptions,
  startS3rver,
} from './s3.js';
export {
  isCI,
  requireMysql,
  requirePostgres,
  requireService,
  type ServiceRequirement,
} from './services.js';
export { tempDir } from './tmp.js';
