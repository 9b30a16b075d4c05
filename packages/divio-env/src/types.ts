// The shape of everything divio-env returns. Other packages (media-storage, app-core)
// and every sample app build on these types: extend them, never break them.
import type { Secret } from './secret.js';

/** `local`, `test` and `live` are Divio's stages; any other name is passed through. */
export type Stage = 'local' | 'test' | 'live' | (string & {});

export type DatabaseClient = 'pg' | 'mysql2' | 'better-sqlite3';

/** What DATABASE_URL (or `<PREFIX>_DATABASE_DSN`) says, decoded, with nothing left to parse. */
export interface DatabaseDescriptor {
  client: DatabaseClient;
  /** The scheme as written (`postgres`, `postgresql`, `mysql`, `mariadb`, `sqlite`, ...). */
  scheme: string;
  host?: string;
  port?: number;
  user?: string;
  password?: Secret;
  database?: string;
  /** Unix socket directory (pg) or socket file (mysql2) when the host was a percent-encoded path. */
  socketPath?: string;
  /** SQLite file path; absent for an in-memory database. */
  filename?: string;
  inMemory: boolean;
  /** Query parameters, verbatim (sslmode, sslrootcert, ssl-ca, ...). */
  options: Readonly<Record<string, string>>;
  /** True when no URL was set and divio-env chose the in-memory SQLite fallback. */
  fallback: boolean;
}

/**
 * A knex configuration object, typed here without importing knex so that divio-env has
 * no runtime dependency. It is structurally compatible with `Knex.Config`.
 * The connection holds the real password: never log this object (log the descriptor).
 */
export interface KnexConfig {
  client: DatabaseClient;
  connection: Record<string, unknown>;
  useNullAsDefault?: boolean;
  pool?: { min?: number; max?: number };
}

export interface DatabaseConfig extends DatabaseDescriptor {
  /** Builds the knex config; a function so the password never sits in a plain object. */
  knexConfig(): KnexConfig;
}

export interface S3StorageConfig {
  backend: 's3';
  bucket: string;
  /** Always set: the region from the DSN, `?region_name=`, or `us-east-1`. */
  region: string;
  /** `https://s3.amazonaws.com`, `https://sos-ch-dk-2.exo.io`, an emulator's URL, ... */
  endpoint: string;
  forcePathStyle: boolean;
  /** Key prefix inside the bucket, without leading slash; `''` or ending in `/`. */
  prefix: string;
  /** Base of public URLs, ending in `/`. */
  publicBaseUrl: string;
  acl?: string;
  /** `qs_auth`: serve pre-signed URLs instead of public ones. */
  signedUrls: boolean;
  /** `auth=` signature version as written (`s3v4`, `s3`), informational. */
  signatureVersion?: string;
  accessKeyId: string;
  secretAccessKey: Secret;
}

export type AzureCredential =
  | { kind: 'key'; accountKey: Secret }
  | { kind: 'sas'; sasToken: Secret };

export interface AzureStorageConfig {
  backend: 'azure';
  account: string;
  container: string;
  credential: AzureCredential;
  /** Blob service URL: `https://ACCOUNT.blob.core.windows.net` or the emulator's `http://HOST:10000/ACCOUNT`. */
  endpoint: string;
  publicBaseUrl: string;
  signedUrls: boolean;
}

export interface FileStorageConfig {
  backend: 'file';
  /** Absolute directory that holds the media files. */
  root: string;
  /** Base of public URLs, ending in `/` (`/media/` by default). */
  publicBaseUrl: string;
  /** True when no DSN was set and divio-env chose the default local directory. */
  fallback: boolean;
}

export type StorageConfig = S3StorageConfig | AzureStorageConfig | FileStorageConfig;

export interface SecurityConfig {
  secretKey: Secret;
  /** True when SECRET_KEY was unset and a random per-process key was made (local stages only). */
  secretKeyGenerated: boolean;
  domain?: string;
  /** DOMAIN, DOMAIN_ALIASES and DOMAIN_REDIRECTS entries, as patterns. */
  allowedHosts: readonly string[];
  redirectHosts: readonly string[];
  sslRedirect: boolean;
  /** Trust X-Forwarded-* from the platform's proxy. */
  trustProxy: boolean;
  /** Host header check the way Divio's tooling does it (exact or anchored pattern, port stripped, any case). */
  isAllowedHost(host: string | undefined): boolean;
}

export interface GitInfo {
  branch?: string;
  commit?: string;
}

export interface DivioEnv {
  port: number;
  stage: Stage;
  debug: boolean;
  siteName?: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  security: SecurityConfig;
  git: GitInfo;
}

/** Where the process environment comes from: `process.env` or a parsed env file. */
export type EnvSource = Readonly<Record<string, string | undefined>>;
