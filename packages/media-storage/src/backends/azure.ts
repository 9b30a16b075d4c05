// Azure Blob Storage (and Azurite) on @azure/storage-blob. Uploads stream as staged blocks
// and become visible only when the block list is committed at the end: a failed upload
// never leaves a blob (uncommitted blocks expire on their own).
import { Readable } from 'node:stream';
import {
  AnonymousCredential,
  BlobSASPermissions,
  BlobServiceClient,
  type BlockBlobClient,
  type ContainerClient,
  generateBlobSASQueryParameters,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { AzureStorageConfig } from '@divio-samples/divio-env';
import { type ByteCount, countingStream } from '../body.js';
import {
  codeForStatus,
  errorCodeOf,
  isAbortError,
  isNetworkErrorCode,
  messageOf,
  StorageError,
  sanitize,
} from '../errors.js';
import { encodeKeyPath, keyProblem, validateKey, validatePrefix } from '../keys.js';
import type {
  MediaStorage,
  ObjectInfo,
  ObjectStream,
  PutBody,
  PutOptions,
  UrlOptions,
} from '../types.js';

export interface AzureBackendOptions {
  /** Block size in bytes for streaming uploads (default 4 MiB). */
  blockSize?: number;
  /**
   * Blocks buffered and uploaded in parallel (default 2). The SDK buffers a few blocks per
   * slot: measure memory (bench/stream.ts) before raising this or blockSize.
   */
  concurrency?: number;
  /** Attempts per request including the first (default 3). */
  maxTries?: number;
}

interface RestErrorShape {
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string };
}

/** Reads chunks until more than `limit` bytes arrived or the stream ended. */
async function readUpTo(
  stream: Readable,
  limit: number,
): Promise<{ chunks: Buffer[]; ended: boolean; iterator: AsyncIterator<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const next = await iterator.next();
    if (next.done) return { chunks, ended: true, iterator };
    chunks.push(next.value);
    bytes += next.value.length;
  }
  return { chunks, ended: false, iterator };
}

/** The chunks already read, then the rest of the iterator. */
async function* resume(chunks: Buffer[], iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks.splice(0);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

export class AzureStorage implements MediaStorage {
  readonly backend = 'azure' as const;
  readonly #config: AzureStorageConfig;
  readonly #container: ContainerClient;
  readonly #sharedKey: StorageSharedKeyCredential | undefined;
  readonly #sasToken: string | undefined;
  readonly #blockSize: number;
  readonly #concurrency: number;

  constructor(config: AzureStorageConfig, options: AzureBackendOptions = {}) {
    this.#config = config;
    const pipelineOptions: StoragePipelineOptions = {
      retryOptions: {
        maxTries: options.maxTries ?? 3,
        retryDelayInMs: 200,
        maxRetryDelayInMs: 2000,
      },
      // Never log request URLs or headers (SAS tokens) through the SDK's logger.
      userAgentOptions: { userAgentPrefix: 'divio-samples-media-storage' },
    };
    const endpoint = config.endpoint.replace(/\/+$/, '');
    let service: BlobServiceClient;
    if (config.credential.kind === 'key') {
      this.#sharedKey = new StorageSharedKeyCredential(
        config.account,
        config.credential.accountKey.reveal(),
      );
      service = new BlobServiceClient(endpoint, this.#sharedKey, pipelineOptions);
    } else {
      this.#sasToken = config.credential.sasToken.reveal().replace(/^\?/, '');
      service = new BlobServiceClient(
        `${endpoint}?${this.#sasToken}`,
        new AnonymousCredential(),
        pipelineOptions,
      );
    }
    this.#container = service.getContainerClient(config.container);
    this.#blockSize = options.blockSize ?? 4 * 1024 * 1024;
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
  }

  #blob(key: string): BlockBlobClient {
    return this.#container.getBlockBlobClient(key);
  }

  #error(error: unknown, action: string, key?: string): StorageError {
    if (error instanceof StorageError) return error;
    const shape = (typeof error === 'object' && error !== null ? error : {}) as RestErrorShape;
    const status = shape.statusCode;
    const backendCode = shape.details?.errorCode ?? errorCodeOf(error);
    let code = codeForStatus(status);
    if (backendCode === 'BlobNotFound') code = 'NotFound';
    else if (backendCode === 'InvalidBlockList') code = 'Unavailable';
    else if (backendCode === 'ContainerNotFound') code = 'Unavailable';
    else if (isAbortError(error)) code = 'Aborted';
    else if (code === undefined && isNetworkErrorCode(backendCode)) code = 'Unavailable';
    // The SDK's messages are the service's XML message plus RequestId/Time lines.
    let detail = messageOf(error).split('\n')[0] ?? '';
    if (code === 'NotFound' && detail === '') detail = 'no such object';
    if (backendCode === 'ContainerNotFound') detail = 'the container does not exist';
    if (backendCode === 'InvalidBlockList') {
      detail = 'a concurrent upload to this object was committed first; retry';
    }
    const message = sanitize(
      `${action}: ${detail}${backendCode && !detail.includes(backendCode) ? ` (${backendCode})` : ''}`,
      [
        this.#config.credential.kind === 'key'
          ? this.#config.credential.accountKey.reveal()
          : this.#sasToken,
        key,
        key === undefined ? undefined : encodeKeyPath(key),
      ],
    );
    return new StorageError(code ?? 'Unknown', message, {
      backend: 'azure',
      ...(status !== undefined ? { status } : {}),
      ...(backendCode ? { backendCode } : {}),
    });
  }

  async put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo> {
    validateKey(key);
    const signal = options.signal;
    if (signal?.aborted) throw new StorageError('Aborted', 'Upload aborted', { backend: 'azure' });
    const count: ByteCount = { bytes: 0, done: false };
    const source = countingStream(body, count, {
      contentLength: options.contentLength,
      maxBytes: options.maxBytes,
    });
    const onAbort = () =>
      source.destroy(new StorageError('Aborted', 'Upload aborted', { backend: 'azure' }));
    signal?.addEventListener('abort', onAbort, { once: true });
    const uploadOptions = {
      blobHTTPHeaders: {
        blobContentType: options.contentType,
        ...(options.contentDisposition
          ? { blobContentDisposition: options.contentDisposition }
          : {}),
      },
      ...(signal ? { abortSignal: signal } : {}),
    };
    try {
      // A body that fits in one block goes up in one Put Blob request: atomic, and safe
      // when several uploads to the same key race (staged blocks of concurrent uploads to
      // one blob invalidate each other on commit). Larger bodies stream as staged blocks.
      const first = await readUpTo(source, this.#blockSize);
      if (first.ended) {
        const data = Buffer.concat(first.chunks);
        await this.#blob(key).upload(data, data.length, uploadOptions);
      } else {
        await this.#blob(key).uploadStream(
          Readable.from(resume(first.chunks, first.iterator)),
          this.#blockSize,
          this.#concurrency,
          uploadOptions,
        );
      }
    } catch (error) {
      if (count.error) throw count.error;
      if (signal?.aborted)
        throw new StorageError('Aborted', 'Upload aborted', { backend: 'azure' });
      throw this.#error(error, 'put', key);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!source.destroyed) source.destroy();
    }
    return this.head(key);
  }

  #info(
    key: string,
    properties: {
      contentLength?: number | undefined;
      contentType?: string | undefined;
      contentDisposition?: string | undefined;
      etag?: string | undefined;
      lastModified?: Date | undefined;
    },
  ): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: properties.contentLength ?? 0,
      contentType: properties.contentType ?? 'application/octet-stream',
    };
    if (properties.contentDisposition) info.contentDisposition = properties.contentDisposition;
    if (properties.etag) info.etag = properties.etag;
    if (properties.lastModified) info.lastModified = properties.lastModified;
    return info;
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    try {
      return this.#info(key, await this.#blob(key).getProperties());
    } catch (error) {
      throw this.#error(error, 'head', key);
    }
  }

  async get(key: string): Promise<ObjectStream> {
    validateKey(key);
    try {
      const response = await this.#blob(key).download(0);
      const body = response.readableStreamBody;
      if (!body)
        throw new StorageError('Unknown', 'get: the Azure client returned no stream', {
          backend: 'azure',
        });
      const readable = body instanceof Readable ? body : new Readable().wrap(body);
      return { ...this.#info(key, response), body: readable };
    } catch (error) {
      throw this.#error(error, 'get', key);
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.#blob(key).deleteIfExists({ deleteSnapshots: 'include' });
    } catch (error) {
      throw this.#error(error, 'delete', key);
    }
  }

  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    try {
      for await (const item of this.#container.listBlobsFlat(prefix ? { prefix } : {})) {
        // Blobs written by other tools under names this package refuses are not listed:
        // every listed key can be passed to get/head/delete.
        if (keyProblem(item.name) === undefined) yield this.#info(item.name, item.properties);
      }
    } catch (error) {
      throw this.#error(error, 'list');
    }
  }

  async url(key: string, options: UrlOptions = {}): Promise<string> {
    validateKey(key);
    if (!this.#config.signedUrls) return `${this.#config.publicBaseUrl}${encodeKeyPath(key)}`;
    // The client's URL carries the configured SAS when there is one: strip any query.
    const blobUrl = this.#blob(key).url.split('?')[0] ?? '';
    if (this.#sharedKey) {
      const now = Date.now();
      const sas = generateBlobSASQueryParameters(
        {
          containerName: this.#config.container,
          blobName: key,
          permissions: BlobSASPermissions.parse('r'),
          // A little slack for clocks that run behind the storage service's.
          startsOn: new Date(now - 5 * 60_000),
          expiresOn: new Date(now + (options.expiresIn ?? 3600) * 1000),
        },
        this.#sharedKey,
      );
      return `${blobUrl}?${sas.toString()}`;
    }
    // With a SAS credential there is no key to sign with: the configured token is the signature.
    return `${blobUrl}?${this.#sasToken ?? ''}`;
  }

  async check(): Promise<void> {
    const abortSignal = AbortSignal.timeout(10_000);
    try {
      if (this.#sharedKey) {
        await this.#container.getProperties({ abortSignal });
      } else {
        // A container or blob SAS cannot read container properties: list one blob instead.
        await this.#container.listBlobsFlat({ abortSignal }).byPage({ maxPageSize: 1 }).next();
      }
    } catch (error) {
      const mapped = this.#error(error, 'check');
      // The SAS was accepted (the signature is valid) but may not list: still ready.
      if (!this.#sharedKey && mapped.backendCode === 'AuthorizationPermissionMismatch') return;
      if (mapped.code === 'NotFound' || mapped.backendCode === 'ContainerNotFound') {
        throw new StorageError('Unavailable', 'check: the container does not exist', {
          backend: 'azure',
          ...(mapped.status !== undefined ? { status: mapped.status } : {}),
        });
      }
      throw mapped.code === 'Aborted'
        ? new StorageError('Unavailable', 'check: no answer within 10 s', { backend: 'azure' })
        : mapped;
    }
  }

  async close(): Promise<void> {}
}
