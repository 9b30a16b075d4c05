// The CLI's JSON: a documented, stable shape with every credential shown as "***".
import { SECRET_MASK } from './secret.js';
import type { DivioEnv, StorageConfig } from './types.js';

export interface PublicDatabaseJson {
  client: string;
  host: string | null;
  port: number | null;
  user: string | null;
  database: string | null;
  socketPath: string | null;
  filename: string | null;
  inMemory: boolean;
  options: Record<string, string>;
  /** Present (always `"***"`) only when the URL carries a password. */
  password?: '***';
}

export type PublicStorageJson =
  | {
      backend: 's3';
      bucket: string;
      region: string;
      endpoint: string;
      forcePathStyle: boolean;
      prefix: string;
      publicBaseUrl: string;
      acl: string | null;
      signedUrls: boolean;
      accessKeyId: string;
      secretAccessKey: '***';
    }
  | {
      backend: 'azure';
      account: string;
      container: string;
      credential: 'key' | 'sas';
      endpoint: string;
      publicBaseUrl: string;
    }
  | { backend: 'file'; root: string; publicBaseUrl: string };

export interface PublicJson {
  port: number;
  stage: string;
  debug: boolean;
  database: PublicDatabaseJson;
  storage: PublicStorageJson;
  security: {
    domain: string | null;
    allowedHosts: string[];
    redirectHosts: string[];
    sslRedirect: boolean;
    secretKey: '***';
  };
}

const MASK = SECRET_MASK as '***';

function storageJson(storage: StorageConfig): PublicStorageJson {
  switch (storage.backend) {
    case 's3':
      return {
        backend: 's3',
        bucket: storage.bucket,
        region: storage.region,
        endpoint: storage.endpoint,
        forcePathStyle: storage.forcePathStyle,
        prefix: storage.prefix,
        publicBaseUrl: storage.publicBaseUrl,
        acl: storage.acl ?? null,
        signedUrls: storage.signedUrls,
        accessKeyId: storage.accessKeyId,
        secretAccessKey: MASK,
      };
    case 'azure':
      return {
        backend: 'azure',
        account: storage.account,
        container: storage.container,
        credential: storage.credential.kind,
        endpoint: storage.endpoint,
        publicBaseUrl: storage.publicBaseUrl,
      };
    case 'file':
      return { backend: 'file', root: storage.root, publicBaseUrl: storage.publicBaseUrl };
  }
}

/**
 * The resolved configuration as `divio-env check` prints it. Keys are always present
 * (`null` when a value is absent), except `database.password`, which appears as `"***"`
 * only when a password is set. No credential is ever included.
 */
export function toPublicJson(env: DivioEnv): PublicJson {
  const db = env.database;
  const database: PublicDatabaseJson = {
    client: db.client,
    host: db.host ?? null,
    port: db.port ?? null,
    user: db.user ?? null,
    database: db.database ?? null,
    socketPath: db.socketPath ?? null,
    filename: db.filename ?? null,
    inMemory: db.inMemory,
    options: { ...db.options },
  };
  if (db.password !== undefined) database.password = MASK;
  return {
    port: env.port,
    stage: env.stage,
    debug: env.debug,
    database,
    storage: storageJson(env.storage),
    security: {
      domain: env.security.domain ?? null,
      allowedHosts: [...env.security.allowedHosts],
      redirectHosts: [...env.security.redirectHosts],
      sslRedirect: env.security.sslRedirect,
      secretKey: MASK,
    },
  };
}
