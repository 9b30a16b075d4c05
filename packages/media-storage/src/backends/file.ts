// Local files under a root directory. Uploads go to `<root>/.tmp/` and are renamed into
// place (same file system, so the rename is atomic): a reader sees the old file or the
// new one, never a partial one, and a failed upload leaves nothing behind. Content type
// and disposition live in a JSON sidecar under `<root>/.meta/<key>`, written the same way.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileStorageConfig } from '@divio-samples/divio-env';
import { type ByteCount, countingStream } from '../body.js';
import { errorCodeOf, StorageError } from '../errors.js';
import { encodeKeyPath, keyProblem, validateKey, validatePrefix } from '../keys.js';
import type {
  MediaStorage,
  ObjectInfo,
  ObjectStream,
  PutBody,
  PutOptions,
  UrlOptions,
} from '../types.js';

const TMP_DIR = '.tmp';
const META_DIR = '.meta';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

interface Sidecar {
  contentType: string;
  contentDisposition?: string;
}

export interface FileBackendOptions {
  /** Call fsync on each uploaded file before it is renamed into place (default true). */
  fsync?: boolean;
}

export class FileStorage implements MediaStorage {
  readonly backend = 'file' as const;
  readonly #root: string;
  readonly #publicBaseUrl: string;
  readonly #fsync: boolean;

  constructor(config: FileStorageConfig, options: FileBackendOptions = {}) {
    this.#root = config.root;
    this.#publicBaseUrl = config.publicBaseUrl;
    this.#fsync = options.fsync ?? true;
  }

  #path(key: string): string {
    return join(this.#root, ...key.split('/'));
  }

  #metaPath(key: string): string {
    return join(this.#root, META_DIR, ...key.split('/'));
  }

  #error(error: unknown, action: string): StorageError {
    if (error instanceof StorageError) return error;
    const code = errorCodeOf(error);
    // Node's messages name the full path (root and key): build our own from the code.
    const base = { backend: 'file' as const, ...(code ? { backendCode: code } : {}) };
    switch (code) {
      case 'ENOENT':
        return new StorageError('NotFound', `${action}: no such object`, base);
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return new StorageError('Denied', `${action}: permission denied (${code})`, base);
      case 'ENOSPC':
      case 'EDQUOT':
        return new StorageError(
          'TooLarge',
          `${action}: no space left on the device (${code})`,
          base,
        );
      case 'ENOTDIR':
      case 'EISDIR':
      case 'EEXIST':
      case 'ENOTEMPTY':
        return new StorageError(
          'InvalidKey',
          `${action}: the key collides with a directory or file of another key (${code})`,
          base,
        );
      case 'ENAMETOOLONG':
        return new StorageError(
          'InvalidKey',
          `${action}: the key is too long for the file system`,
          base,
        );
      case 'EMFILE':
      case 'ENFILE':
      case 'EIO':
      case 'EBUSY':
        return new StorageError('Unavailable', `${action}: file system error (${code})`, base);
      default:
        return new StorageError(
          'Unknown',
          `${action}: file system error${code ? ` (${code})` : ''}`,
          base,
        );
    }
  }

  /** A fresh temp file path under `<root>/.tmp/` (same file system as the targets). */
  async #tempPath(): Promise<string> {
    const tmpDir = join(this.#root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    return join(tmpDir, `${randomUUID()}.part`);
  }

  /** Creates `path` exclusively, lets `write` fill it, fsyncs and closes it. */
  async #writeFile(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
    const handle = await open(path, 'wx', 0o644);
    try {
      await write(handle);
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo> {
    validateKey(key);
    const signal = options.signal;
    if (signal?.aborted) throw new StorageError('Aborted', 'Upload aborted', { backend: 'file' });
    const count: ByteCount = { bytes: 0, done: false };
    const source = countingStream(body, count, {
      contentLength: options.contentLength,
      maxBytes: options.maxBytes,
    });
    const target = this.#path(key);
    const onAbort = () =>
      source.destroy(new StorageError('Aborted', 'Upload aborted', { backend: 'file' }));
    signal?.addEventListener('abort', onAbort, { once: true });
    const sidecar: Sidecar = { contentType: options.contentType || DEFAULT_CONTENT_TYPE };
    if (options.contentDisposition) sidecar.contentDisposition = options.contentDisposition;
    const temps: string[] = [];
    try {
      // Both files are complete in .tmp before either is renamed into place.
      const dataTmp = await this.#tempPath();
      temps.push(dataTmp);
      await this.#writeFile(dataTmp, async (handle) => {
        for await (const chunk of source) await handle.write(chunk as Buffer);
      });
      const metaTmp = await this.#tempPath();
      temps.push(metaTmp);
      await this.#writeFile(metaTmp, (handle) => handle.writeFile(JSON.stringify(sidecar)));
      const metaTarget = this.#metaPath(key);
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(metaTarget), { recursive: true });
      await rename(metaTmp, metaTarget);
      try {
        await rename(dataTmp, target);
      } catch (error) {
        await rm(metaTarget, { force: true });
        throw error;
      }
    } catch (error) {
      if (count.error) throw count.error;
      if (signal?.aborted) throw new StorageError('Aborted', 'Upload aborted', { backend: 'file' });
      throw this.#error(error, 'put');
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!source.destroyed) source.destroy();
      await Promise.all(temps.map((tmp) => rm(tmp, { force: true })));
    }
    return this.head(key);
  }

  async #readSidecar(key: string): Promise<Sidecar> {
    try {
      const parsed = JSON.parse(await readFile(this.#metaPath(key), 'utf8')) as Partial<Sidecar>;
      const sidecar: Sidecar = {
        contentType:
          typeof parsed.contentType === 'string' ? parsed.contentType : DEFAULT_CONTENT_TYPE,
      };
      if (typeof parsed.contentDisposition === 'string')
        sidecar.contentDisposition = parsed.contentDisposition;
      return sidecar;
    } catch {
      // No sidecar (a file copied in by hand, or a crash between the two renames).
      return { contentType: DEFAULT_CONTENT_TYPE };
    }
  }

  async #info(key: string, size: number, mtime: Date): Promise<ObjectInfo> {
    const sidecar = await this.#readSidecar(key);
    const info: ObjectInfo = {
      key,
      size,
      contentType: sidecar.contentType,
      etag: `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`,
      lastModified: mtime,
    };
    if (sidecar.contentDisposition) info.contentDisposition = sidecar.contentDisposition;
    return info;
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    try {
      const stats = await stat(this.#path(key));
      if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      return await this.#info(key, stats.size, stats.mtime);
    } catch (error) {
      throw this.#error(error, 'head');
    }
  }

  async get(key: string): Promise<ObjectStream> {
    validateKey(key);
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(this.#path(key), constants.O_RDONLY);
      const stats = await handle.stat();
      if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      const info = await this.#info(key, stats.size, stats.mtime);
      // The stream owns the handle from here on: a concurrent overwrite (rename) or delete
      // does not disturb a download in progress.
      const body = handle.createReadStream({ autoClose: true, highWaterMark: 256 * 1024 });
      handle = undefined;
      return { ...info, body };
    } catch (error) {
      await handle?.close().catch(() => {});
      throw this.#error(error, 'get');
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await unlink(this.#path(key));
    } catch (error) {
      const code = errorCodeOf(error);
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'EPERM') {
        throw this.#error(error, 'delete');
      }
    }
    await rm(this.#metaPath(key), { force: true }).catch(() => {});
  }

  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    yield* this.#walk('', prefix);
  }

  /** Depth-first over `dir` (a key prefix ending in `/`, or ''), in key order. */
  async *#walk(dir: string, prefix: string): AsyncGenerator<ObjectInfo> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir === '' ? this.#root : this.#path(dir.slice(0, -1)), {
        withFileTypes: true,
      });
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.#error(error, 'list');
    }
    // Sorting `name` + "/" for directories gives the same order as sorting the full keys.
    const items = entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isDirectory()))
      .map((entry) => ({ entry, sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry, sortKey } of items) {
      const key = `${dir}${sortKey}`;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.#walk(key, prefix);
        continue;
      }
      // Files whose names break the key policy (copied in by hand) are not listed.
      if (!key.startsWith(prefix) || keyProblem(key) !== undefined) continue;
      try {
        const stats = await stat(this.#path(key));
        yield await this.#info(key, stats.size, stats.mtime);
      } catch (error) {
        if (errorCodeOf(error) === 'ENOENT') continue; // deleted while listing
        throw this.#error(error, 'list');
      }
    }
  }

  async url(key: string, _options?: UrlOptions): Promise<string> {
    validateKey(key);
    return `${this.#publicBaseUrl}${encodeKeyPath(key)}`;
  }

  async check(): Promise<void> {
    try {
      await mkdir(join(this.#root, TMP_DIR), { recursive: true });
      const stats = await stat(this.#root);
      if (!stats.isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      await access(join(this.#root, TMP_DIR), constants.W_OK);
    } catch (error) {
      const mapped = this.#error(error, 'check');
      throw new StorageError(
        mapped.code === 'Denied' ? 'Denied' : 'Unavailable',
        `Media root is not a writable directory (${mapped.backendCode ?? mapped.code})`,
        { backend: 'file', ...(mapped.backendCode ? { backendCode: mapped.backendCode } : {}) },
      );
    }
  }

  /**
   * Removes temp files (`<root>/.tmp/*.part`) untouched for `olderThanMs`: what a process
   * killed mid-upload left behind (a live upload writes to its temp file continuously, and
   * an upload silent for longer than the server's idle timeout is cut anyway). Called once
   * at startup; returns how many were removed.
   */
  async removeStaleTemps(olderThanMs: number = STALE_TEMP_MS): Promise<number> {
    const tmpDir = join(this.#root, TMP_DIR);
    let names: string[];
    try {
      names = await readdir(tmpDir);
    } catch {
      return 0; // no temp folder yet
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const path = join(tmpDir, name);
      try {
        if ((await stat(path)).mtimeMs > cutoff) continue;
        await rm(path, { force: true });
        removed += 1;
      } catch {
        // Gone already (another process cleaned it, or its upload finished): fine.
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}

/** Default age after which a temp file belongs to no live upload (10 minutes). */
export const STALE_TEMP_MS = 10 * 60_000;
