// The one interface every storage backend implements. app-core and the sample apps
// depend on this file only: extend it, never break it.
import type { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

export type StorageBackend = 's3' | 'azure' | 'file';

/** What `put` accepts: a Node stream, a web stream, or bytes already in memory. */
export type PutBody = Readable | ReadableStream<Uint8Array> | Buffer | Uint8Array;

export interface PutOptions {
  contentType: string;
  /** Known length in bytes, when the caller has it (lets backends skip multipart for small bodies). */
  contentLength?: number;
  /** Serve as a download (`Content-Disposition: attachment`) where the backend supports it. */
  contentDisposition?: string;
  /** Abort the upload; the backend removes any partial object. */
  signal?: AbortSignal;
  /** Fail with `TooLarge` (and store nothing) when the body grows past this many bytes. */
  maxBytes?: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string;
  /** As given to `put`, when it was given. */
  contentDisposition?: string;
  etag?: string;
  lastModified?: Date;
}

export interface ObjectStream extends ObjectInfo {
  body: Readable;
}

export interface UrlOptions {
  /** Lifetime of a signed URL in seconds (default 3600). Ignored for public URLs. */
  expiresIn?: number;
}

export interface MediaStorage {
  readonly backend: StorageBackend;
  /** Streams `body` to `key`. On any failure no object is left at `key` (nor a partial one). */
  put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo>;
  /** Throws StorageError `NotFound` when there is no such object. */
  get(key: string): Promise<ObjectStream>;
  /** Throws StorageError `NotFound` when there is no such object. */
  head(key: string): Promise<ObjectInfo>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order where the backend gives one. */
  list(prefix?: string): AsyncIterable<ObjectInfo>;
  /** Public URL, or a signed one when the config asks for signed URLs. */
  url(key: string, options?: UrlOptions): Promise<string>;
  /** Readiness probe: resolves when the backend answers and the bucket/container/root is usable. */
  check(): Promise<void>;
  /** Releases sockets and handles. */
  close(): Promise<void>;
}

export type StorageErrorCode =
  | 'NotFound'
  | 'InvalidKey'
  | 'Unavailable'
  | 'Denied'
  | 'Aborted'
  | 'TooLarge'
  | 'Unknown';
