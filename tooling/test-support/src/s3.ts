// An S3 emulator (s3rver 3.7) in a child process on 127.0.0.1, one per call.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from './child.js';
import { tempDir } from './tmp.js';

export interface S3rverOptions {
  /** Buckets to create before the emulator answers (default: `['media']`). */
  buckets?: readonly string[];
  /** Milliseconds to wait for the emulator to listen (default 30 s). */
  startTimeoutMs?: number;
}

export interface StorageDsnOptions {
  /** Key prefix inside the bucket/container (S3 only; no leading slash). */
  prefix?: string;
  /** Ask for signed URLs (`qs_auth=1`). */
  signedUrls?: boolean;
  /**
   * Public base URL put into `?url=`. Default: the emulator's path-style URL of the bucket or
   * container, which is where anonymous GETs work. `false` leaves `url=` out.
   */
  publicBaseUrl?: string | false;
}

export interface S3rverHandle {
  /** `http://127.0.0.1:PORT` (path-style: `${endpoint}/${bucket}/${key}`). */
  endpoint: string;
  port: number;
  /** s3rver's key pair (it does not verify V4 signatures, so tests of 403s need a stand-in). */
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Buckets created so far. */
  buckets: string[];
  /** Temp directory holding the emulator's data. */
  directory: string;
  /** Multipart uploads started in `bucket` and neither completed nor aborted (leftovers). */
  pendingMultipartUploads(bucket?: string): Promise<number>;
  /** Creates another (empty) bucket. */
  createBucket(name: string): Promise<void>;
  /** A `DEFAULT_STORAGE_DSN` value pointing at this emulator. */
  dsn(bucket?: string, options?: StorageDsnOptions): string;
  /** Stops the emulator and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
}

const runner = fileURLToPath(new URL('../runners/s3rver.cjs', import.meta.url));

/**
 * Starts s3rver on 127.0.0.1 with an OS-assigned port and a temp data directory.
 *
 * s3rver quirks worth knowing: its key pair is `S3RVER`/`S3RVER`, yet it does not verify V4 signatures;
 * it has no AbortMultipartUpload (the runner adds it: DELETE `?uploadId=` removes the parts);
 * requests without credentials are served anonymously (so public URLs fetch without ACLs);
 * it does not understand the AWS SDK's default CRC checksums / aws-chunked uploads (use
 * `requestChecksumCalculation: 'WHEN_REQUIRED'`); it needs path-style addressing on 127.0.0.1.
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverHandle> {
  const buckets = [...(options.buckets ?? ['media'])];
  for (const bucket of buckets) assertBucketName(bucket);
  const dir = await tempDir('s3rver');
  let started: Awaited<ReturnType<typeof spawnNode>>;
  try {
    started = await spawnNode(runner, [dir.path, buckets.join(',')], /^\{"port":(\d+)\}$/, {
      name: 's3rver',
      timeoutMs: options.startTimeoutMs ?? 30_000,
    });
  } catch (error) {
    await dir.remove();
    throw error;
  }
  const port = Number(started.match[1]);
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  const handle: S3rverHandle = {
    endpoint,
    port,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    buckets,
    directory: dir.path,
    async pendingMultipartUploads(bucket = buckets[0] ?? 'media') {
      try {
        return (await readdir(join(dir.path, bucket, '._S3rver_uploads'))).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
    },
    async createBucket(name) {
      assertBucketName(name);
      // s3rver serves requests without credentials anonymously, CreateBucket included.
      const response = await fetch(`${endpoint}/${name}`, { method: 'PUT' });
      if (!response.ok && response.status !== 409) {
        throw new Error(`s3rver: creating bucket ${name} failed with HTTP ${response.status}`);
      }
      await response.body?.cancel();
      if (!buckets.includes(name)) buckets.push(name);
    },
    dsn(bucket = buckets[0] ?? 'media', dsnOptions = {}) {
      const prefix = normalizePrefix(dsnOptions.prefix);
      const query = new URLSearchParams({ endpoint, region_name: 'us-east-1' });
      const publicBase = dsnOptions.publicBaseUrl ?? `${endpoint}/${bucket}/${prefix}`;
      if (publicBase !== false) query.set('url', publicBase);
      if (dsnOptions.signedUrls) query.set('qs_auth', '1');
      return `s3://${handle.accessKeyId}:${handle.secretAccessKey}@${bucket}/${prefix}?${query}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(started.child);
      await dir.remove();
    },
  };
  return handle;
}

function assertBucketName(name: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    throw new Error(
      `s3rver: invalid bucket name ${JSON.stringify(name)} (3-63 chars of a-z 0-9 . -)`,
    );
  }
}

/** `a/b` -> `a/b/`, `/a/` -> `a/`, undefined -> ``. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}
