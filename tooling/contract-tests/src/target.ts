/** What the contract suite runs against: a server that is already listening. */
export interface ContractTarget {
  /** `http://127.0.0.1:PORT` (no path). */
  baseUrl: string;
  /** The `framework` that `/api/info` must report (`express`, `koa`, `fastify`, ...). */
  framework: string;
  /** The database client the app was started with (`/api/info` `database`). */
  database: 'pg' | 'mysql2' | 'better-sqlite3';
  /** The storage backend the app was started with (`/api/info` `storage`). */
  storage: 's3' | 'azure' | 'file';
  /**
   * Optional: the local directory behind the file backend (the path of
   * `DEFAULT_STORAGE_DSN=file:///...`), when the suite runs on the same machine. With it,
   * the suite also checks that a refused upload leaves no file behind.
   */
  mediaRoot?: string;
}

export const DATABASES = ['pg', 'mysql2', 'better-sqlite3'] as const;
export const STORAGES = ['s3', 'azure', 'file'] as const;

/** Checks a target's fields, with a message naming the bad one. */
export function validateTarget(target: ContractTarget): ContractTarget {
  let url: URL;
  try {
    url = new URL(target.baseUrl);
  } catch {
    throw new Error(`baseUrl: not a URL: ${JSON.stringify(target.baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`baseUrl: must be http:// or https://, got ${url.protocol}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`baseUrl: must have no path, query or fragment: ${target.baseUrl}`);
  }
  if (!target.framework) throw new Error('framework: must not be empty');
  if (!(DATABASES as readonly string[]).includes(target.database)) {
    throw new Error(`database: must be one of ${DATABASES.join(', ')}, got ${target.database}`);
  }
  if (!(STORAGES as readonly string[]).includes(target.storage)) {
    throw new Error(`storage: must be one of ${STORAGES.join(', ')}, got ${target.storage}`);
  }
  return target;
}
