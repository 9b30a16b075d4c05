// What the harness assumes about every app's docker-compose.yml: service names, profiles,
// the emulators' in-network endpoints and credentials. These are the project's
// conventions (Divio's own `database_default` name included); `checkComposeConfig` in
// override.ts verifies an app's file follows them before anything runs.
import type { DatabaseKind, StorageKind } from './manifest.js';

/** The application service: built from the app's Dockerfile, serves on the manifest's port. */
export const WEB_SERVICE = 'web';
/**
 * The variable that picks the host port of `web`'s container port (`"127.0.0.1:${WEB_PORT:-8000}:80"`).
 * Divio's CLI runs `-f docker-compose.yml` only and asks `port web 80`, so the app's own file
 * must publish it; the harness sets the variable to a free port instead of adding a port of
 * its own (Compose appends `ports` across files, an override cannot replace one).
 */
export const WEB_PORT_VARIABLE = 'WEB_PORT';
/**
 * The value `compose config` is run with to see that `web`'s host port follows WEB_PORT:
 * a host port equal to it came from the variable, any other one is fixed in the file.
 */
export const WEB_PORT_PROBE = '47999';
/** Where `web` mounts local media (`./data:/data`), the file backend's directory's parent. */
export const DATA_MOUNT_TARGET = '/data';

/** Divio's name for the default database service (its DSN host, whatever the engine). */
export const DATABASE_SERVICE = 'database_default';
/** The database name the compose file creates (`POSTGRES_DB` / `MARIADB_DATABASE`). */
export const DATABASE_NAME = 'db';

export interface DatabaseEngine {
  kind: DatabaseKind;
  /** The variable that names the image in the compose file (official default there). */
  imageVariable: string;
  port: number;
  /** The client name the contract suite and divio-env use for this engine. */
  client: 'pg' | 'mysql2';
}

export const DATABASE_ENGINES: Readonly<Record<DatabaseKind, DatabaseEngine>> = {
  postgres: { kind: 'postgres', imageVariable: 'POSTGRES_IMAGE', port: 5432, client: 'pg' },
  mysql: { kind: 'mysql', imageVariable: 'MARIADB_IMAGE', port: 3306, client: 'mysql2' },
};

export interface Emulator {
  storage: Exclude<StorageKind, 'file'>;
  /** The compose service name (also its host name on the compose network). */
  service: string;
  /** The compose profile that enables the service. */
  profile: string;
  /** The port it listens on inside the network. */
  port: number;
}

export const EMULATORS: Readonly<Record<Exclude<StorageKind, 'file'>, Emulator>> = {
  s3: { storage: 's3', service: 's3', profile: 's3', port: 4568 },
  azure: { storage: 'azure', service: 'azurite', profile: 'azure', port: 10000 },
};

/** s3rver accepts any credentials; these are the ones the compose file documents. */
export const S3_EMULATOR = {
  bucket: 'media',
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  region: 'us-east-1',
} as const;

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_EMULATOR = {
  container: 'media',
  account: 'devstoreaccount1',
  accountKey:
    'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

/** The file backend's directory inside the container and its public base URL. */
export const FILE_STORAGE_DSN = 'file:///data/media/?url=%2Fmedia%2F';
