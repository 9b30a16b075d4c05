// @divio-samples/divio-env: the Divio platform environment, typed and checked.
export { BOOLEAN_EXPECTED, parseBoolean } from './boolean.js';
export { DATABASE_SCHEMES, MYSQL_SSLMODES, PG_SSLMODES, readDatabase } from './database.js';
export { parseEnvFile } from './env-file.js';
export { DivioEnvError, type DivioEnvProblem, maskUrl } from './errors.js';
export {
  type PublicDatabaseJson,
  type PublicJson,
  type PublicStorageJson,
  toPublicJson,
} from './public-json.js';
export { DEFAULT_PORT, deepFreeze, type ReadDivioEnvOptions, readDivioEnv } from './read.js';
export { SECRET_MASK, Secret } from './secret.js';
export {
  hostMatcher,
  LOCAL_HOSTS,
  normalizeHost,
  type ReadSecurityOptions,
  readSecurity,
  STRICT_STAGES,
  splitList,
  type WarningHandler,
} from './security.js';
export {
  DEFAULT_ACL,
  DEFAULT_CONTAINER,
  DEFAULT_MEDIA_DIR,
  DEFAULT_MEDIA_URL,
  DEFAULT_REGION,
  detectAzureCredential,
  type ReadStorageOptions,
  readStorage,
  S3_MARKERS,
  splitS3Host,
} from './storage/index.js';
export type * from './types.js';
