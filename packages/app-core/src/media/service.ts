// Uploading, listing, serving and deleting media: storage and database kept in step.
//
// Invariant: a row exists only while its object exists. Hence
//  - upload writes the object first and inserts the row after; a failed insert deletes
//    the object again;
//  - delete removes the row inside a transaction, deletes the object, then commits: if
//    the object cannot be deleted the transaction rolls back and both stay. (The one gap,
//    a failed COMMIT after the object is gone, leaves a row whose content answers 404.)
// An object without a row (a crash between the two steps) is invisible garbage, never a
// broken item; rows without objects would show as broken images.
import { randomUUID } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaStorage } from '@divio-samples/media-storage';
import type { Knex } from 'knex';
import { HttpError, notFound, payloadTooLarge } from '../http/errors.js';
import { contentDisposition, normalizeContentType } from './content-type.js';
import { DEFAULT_PAGE_SIZE, encodeCursor } from './cursor.js';
import { sanitizeFilename } from './filename.js';
import { isMediaKey, isUuid, mediaKey } from './keys.js';
import { type MediaRecord, MediaRepository, type PageCursor } from './repository.js';

/** The media object of the JSON API (docs/contract.md). */
export interface Media {
  id: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
}

export interface MediaPage {
  items: Media[];
  nextCursor: string | null;
}

export interface UploadInput {
  /** The file's bytes, streamed; it is consumed exactly once. */
  stream: Readable;
  /** The client's filename, unsanitized. */
  filename: string | undefined;
  /** The client's declared type, unvalidated. */
  contentType: string | undefined;
  /** The size limit in bytes; more makes the upload fail with 413. */
  limit: number;
}

/** What `GET /api/media/:id/content` (and `/media/<key>`) answers. */
export type MediaContent =
  | { kind: 'redirect'; location: string }
  | {
      kind: 'stream';
      stream: Readable;
      size: number;
      contentType: string;
      etag: string;
      /** `attachment; filename*=...` for content a browser could run, else undefined. */
      disposition: string | undefined;
      lastModified: Date;
    };

export function mediaUrl(id: string): string {
  return `/api/media/${id}/content`;
}

export function toMedia(record: MediaRecord): Media {
  return {
    id: record.id,
    key: record.key,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    url: mediaUrl(record.id),
    createdAt: record.createdAt.toISOString(),
  };
}

/** Passes bytes through, counting them, and fails with 413 once more than `limit` went by. */
export class ByteCounter extends Transform {
  bytes = 0;
  private readonly limit: number;
  constructor(limit: number) {
    super();
    this.limit = limit;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) callback(payloadTooLarge(this.limit));
    else callback(null, chunk);
  }
}

/**
 * Which of an upload's failures the client hears about. The request's own (413, a body cut
 * off: an HttpError) explains it best; then the storage's own error (a 503). A store that
 * dies mid-upload can also break the pipe first: the backend then reports its body as
 * "aborted" and the pipe a "premature close" (the client's side never fails that way: a
 * client that goes away is an HttpError above), which would be a 500 hiding an outage.
 */
function uploadFailure(streamFailure: unknown, storageFailure: unknown, first: unknown): unknown {
  if (streamFailure instanceof HttpError) return streamFailure;
  const storageCode = storageErrorCode(storageFailure);
  if (storageCode !== undefined && storageCode !== 'Aborted') return storageFailure;
  if (errorCode(streamFailure) === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new HttpError(503, 'service_unavailable', 'A backing service is unavailable', {
      cause: storageFailure ?? streamFailure,
    });
  }
  return streamFailure ?? storageFailure ?? first;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** A StorageError's code (recognised by shape, as app-core's error mapping does). */
function storageErrorCode(err: unknown): string | undefined {
  const name =
    typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const code = errorCode(err);
  return name === 'StorageError' && typeof code === 'string' ? code : undefined;
}

export interface MediaServiceOptions {
  knex: Knex;
  storage: MediaStorage;
  /** Called when cleaning up after a failure fails too (the object is then orphaned). */
  onOrphan?: (key: string, err: unknown) => void;
  /** The clock, for tests. */
  now?: () => Date;
  /** Bound on each database query (DATABASE_TIMEOUT_MS). */
  queryTimeoutMs?: number;
}

export class MediaService {
  readonly repository: MediaRepository;
  readonly storage: MediaStorage;
  private readonly onOrphan: (key: string, err: unknown) => void;
  private readonly now: () => Date;

  constructor(options: MediaServiceOptions) {
    this.repository = new MediaRepository(options.knex, options.queryTimeoutMs);
    this.storage = options.storage;
    this.onOrphan = options.onOrphan ?? (() => {});
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Streams the upload to storage (never buffering it), then records it. Fails with 413
   * past `limit`; on any failure neither the object nor the row is left behind.
   */
  async upload(input: UploadInput): Promise<Media> {
    const running = this.#upload(input);
    const tracked = running.then(
      () => {},
      () => {},
    );
    this.#inFlight.add(tracked);
    void tracked.then(() => this.#inFlight.delete(tracked));
    return running;
  }

  /**
   * Resolves when every upload under way has finished, its cleanup included (a temp file
   * removed, a multipart upload aborted), or after `timeoutMs`. Shutdown waits for this
   * before closing the pools: a shutdown that cuts uploads would otherwise exit while their
   * cleanup is still running, and leave the partial state behind.
   */
  async settle(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#inFlight),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  readonly #inFlight = new Set<Promise<void>>();

  async #upload(input: UploadInput): Promise<Media> {
    const id = randomUUID();
    const filename = sanitizeFilename(input.filename);
    const contentType = normalizeContentType(input.contentType);
    const key = mediaKey(id, filename);
    const disposition = contentDisposition(filename, contentType);

    const counter = new ByteCounter(input.limit);
    const abort = new AbortController();
    let storageFailure: unknown;
    const piping = pipeline(input.stream, counter).catch((err: unknown) => {
      abort.abort(err);
      throw err;
    });
    const putting = this.storage
      .put(key, counter, {
        contentType,
        signal: abort.signal,
        ...(disposition ? { contentDisposition: disposition } : {}),
      })
      .catch((err: unknown) => {
        storageFailure = err;
        throw err;
      });
    try {
      await Promise.all([piping, putting]);
    } catch (err) {
      input.stream.destroy();
      // Both sides settle before cleaning up: the backend then has removed its own partial
      // state (a temp file, an S3 multipart upload) and `key` is deleted after, not during.
      await Promise.allSettled([piping, putting]);
      await this.removeObject(key);
      throw uploadFailure(
        abort.signal.aborted ? abort.signal.reason : undefined,
        storageFailure,
        err,
      );
    }

    const record: MediaRecord = {
      id,
      key,
      filename,
      contentType,
      size: counter.bytes,
      createdAt: this.now(),
    };
    try {
      await this.repository.insert(record);
    } catch (err) {
      await this.removeObject(key);
      throw err;
    }
    return toMedia(record);
  }

  private async removeObject(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (err) {
      this.onOrphan(key, err);
    }
  }

  async list(options: { limit?: number; cursor?: PageCursor } = {}): Promise<MediaPage> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repository.page(limit + 1, options.cursor);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
    return { items: items.map(toMedia), nextCursor };
  }

  /** The media object, or 404 (also for ids that are not UUIDs). */
  async get(id: string): Promise<Media> {
    return toMedia(await this.record(id));
  }

  private async record(id: string): Promise<MediaRecord> {
    const record = isUuid(id) ? await this.repository.findById(id.toLowerCase()) : undefined;
    if (!record) throw notFound('No media with this id');
    return record;
  }

  /** Deletes the row and the object (see the invariant at the top); 404 when unknown. */
  async delete(id: string): Promise<void> {
    const deleted = isUuid(id)
      ? await this.repository.deleteWith(id.toLowerCase(), (record) =>
          this.storage.delete(record.key),
        )
      : false;
    if (!deleted) throw notFound('No media with this id');
  }

  /** The content of a media item: a redirect to the object store, or a stream of the file. */
  async content(id: string): Promise<MediaContent> {
    return this.contentOf(await this.record(id));
  }

  /**
   * The content at a storage key, for the file backend's public `/media/<key>` URLs.
   * Only keys that belong to a media row are served: 404 for anything else.
   */
  async contentByKey(key: string): Promise<MediaContent> {
    const record = isMediaKey(key) ? await this.repository.findByKey(key) : undefined;
    if (!record) throw notFound();
    return this.contentOf(record, true);
  }

  private async contentOf(record: MediaRecord, streamOnly = false): Promise<MediaContent> {
    if (this.storage.backend !== 'file' && !streamOnly) {
      return { kind: 'redirect', location: await this.storage.url(record.key) };
    }
    const object = await this.storage.get(record.key);
    return {
      kind: 'stream',
      stream: object.body,
      size: object.size,
      contentType: record.contentType,
      etag: object.etag ?? `"${record.id}-${record.size}"`,
      disposition: contentDisposition(record.filename, record.contentType),
      lastModified: record.createdAt,
    };
  }
}
