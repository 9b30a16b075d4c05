// Amazon S3 and S3-compatible stores (Exoscale SOS, MinIO, s3rver, ...), on AWS SDK v3.
// Uploads stream through @aws-sdk/lib-storage: at most `queueSize` parts of `partSize`
// bytes are in memory, whatever the object's size.

import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type ObjectCannedACL,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3StorageConfig } from '@divio-samples/divio-env';
import { type ByteCount, countingStream, knownLength } from '../body.js';
import {
  codeForStatus,
  errorCodeOf,
  isAbortError,
  isNetworkErrorCode,
  messageOf,
  StorageError,
  sanitize,
} from '../errors.js';
import { encodeKeyPath, validateKey, validatePrefix } from '../keys.js';
import type {
  MediaStorage,
  ObjectInfo,
  ObjectStream,
  PutBody,
  PutOptions,
  UrlOptions,
} from '../types.js';

export interface S3BackendOptions {
  /**
   * When the SDK adds CRC checksums to requests and validates them on responses.
   * Default: `when_supported` on AWS endpoints (`*.amazonaws.com`), `when_required`
   * elsewhere, because many S3-compatible stores and emulators reject the SDK's
   * default checksums and `aws-chunked` bodies.
   */
  checksums?: 'when_supported' | 'when_required';
  /** Multipart part size in bytes (default and minimum 5 MiB). */
  partSize?: number;
  /**
   * Parts uploaded in parallel (default 1). lib-storage copies each part while cutting the
   * stream, so memory grows by several times partSize * queueSize: measure before raising it.
   */
  queueSize?: number;
  /** TCP connect timeout in ms (default 5000). */
  connectionTimeoutMs?: number;
  /** Retries for failed requests: attempts in total (default 3). */
  maxAttempts?: number;
  /** `list()` asks HEAD for each object's content type, this many at a time (default 8). */
  listHeadConcurrency?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

function isAwsEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn');
  } catch {
    return false;
  }
}

interface S3ErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

export class S3Storage implements MediaStorage {
  readonly backend = 's3' as const;
  readonly #config: S3StorageConfig;
  readonly #client: S3Client;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #listHeadConcurrency: number;

  constructor(config: S3StorageConfig, options: S3BackendOptions = {}) {
    this.#config = config;
    const checksums =
      options.checksums ?? (isAwsEndpoint(config.endpoint) ? 'when_supported' : 'when_required');
    const clientConfig: S3ClientConfig = {
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: {
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey.reveal(),
      },
      requestChecksumCalculation:
        checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      responseChecksumValidation:
        checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      followRegionRedirects: isAwsEndpoint(config.endpoint),
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 5000 },
    };
    this.#client = new S3Client(clientConfig);
    this.#partSize = Math.max(MIN_PART_SIZE, options.partSize ?? MIN_PART_SIZE);
    this.#queueSize = Math.max(1, options.queueSize ?? 1);
    this.#listHeadConcurrency = Math.max(1, options.listHeadConcurrency ?? 8);
  }

  #objectKey(key: string): string {
    return `${this.#config.prefix}${key}`;
  }

  #error(error: unknown, action: string, key?: string): StorageError {
    if (error instanceof StorageError) return error;
    const shape = (typeof error === 'object' && error !== null ? error : {}) as S3ErrorShape;
    const status = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
    const backendCode = shape.Code ?? errorCodeOf(error);
    let code = codeForStatus(status);
    if (backendCode === 'NoSuchKey' || backendCode === 'NotFound') code = 'NotFound';
    else if (backendCode === 'NoSuchBucket') code = 'Unavailable';
    else if (
      backendCode === 'AccessDenied' ||
      backendCode === 'InvalidAccessKeyId' ||
      backendCode === 'SignatureDoesNotMatch' ||
      backendCode === 'AccessControlListNotSupported'
    ) {
      code = 'Denied';
    } else if (backendCode === 'EntityTooLarge') code = 'TooLarge';
    else if (isAbortError(error)) code = 'Aborted';
    else if (
      isNetworkErrorCode(backendCode) ||
      isNetworkErrorCode(errorCodeOf((error as { cause?: unknown })?.cause))
    ) {
      code = 'Unavailable';
    }
    let detail = messageOf(error);
    if (code === 'NotFound' && (!detail || detail === 'UnknownError' || detail === backendCode)) {
      detail = 'no such object';
    }
    if (backendCode === 'NoSuchBucket') detail = 'the bucket does not exist';
    const message = sanitize(
      `${action}: ${detail}${backendCode && !detail.includes(backendCode) ? ` (${backendCode})` : ''}`,
      [
        this.#config.secretAccessKey.reveal(),
        this.#config.accessKeyId,
        key,
        key === undefined ? undefined : this.#objectKey(key),
      ],
    );
    return new StorageError(code ?? 'Unknown', message, {
      backend: 's3',
      ...(status !== undefined ? { status } : {}),
      ...(backendCode ? { backendCode } : {}),
    });
  }

  async put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo> {
    validateKey(key);
    const signal = options.signal;
    if (signal?.aborted) throw new StorageError('Aborted', 'Upload aborted', { backend: 's3' });
    const count: ByteCount = { bytes: 0, done: false };
    const contentLength = options.contentLength ?? knownLength(body);
    const source = countingStream(body, count, { contentLength, maxBytes: options.maxBytes });
    // Aborting fails the body stream: lib-storage then aborts the multipart upload and only
    // then rejects, so when put() rejects no part of the object is left behind.
    const onAbort = () =>
      source.destroy(new StorageError('Aborted', 'Upload aborted', { backend: 's3' }));
    signal?.addEventListener('abort', onAbort, { once: true });
    const upload = new Upload({
      client: this.#client,
      partSize: this.#partSize,
      queueSize: this.#queueSize,
      leavePartsOnError: false,
      params: {
        Bucket: this.#config.bucket,
        Key: this.#objectKey(key),
        Body: source,
        ContentType: options.contentType,
        ...(contentLength !== undefined ? { ContentLength: contentLength } : {}),
        ...(options.contentDisposition ? { ContentDisposition: options.contentDisposition } : {}),
        ...(this.#config.acl ? { ACL: this.#config.acl as ObjectCannedACL } : {}),
      },
    });
    try {
      await upload.done();
    } catch (error) {
      if (count.error) throw count.error;
      throw this.#error(error, 'put', key);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!source.destroyed) source.destroy();
    }
    return this.head(key);
  }

  #infoFrom(
    key: string,
    output: {
      ContentLength?: number | undefined;
      ContentType?: string | undefined;
      ContentDisposition?: string | undefined;
      ETag?: string | undefined;
      LastModified?: Date | undefined;
    },
  ): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: output.ContentLength ?? 0,
      contentType: output.ContentType ?? 'application/octet-stream',
    };
    if (output.ContentDisposition) info.contentDisposition = output.ContentDisposition;
    if (output.ETag) info.etag = output.ETag;
    if (output.LastModified) info.lastModified = output.LastModified;
    return info;
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    try {
      const output = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#config.bucket, Key: this.#objectKey(key) }),
      );
      return this.#infoFrom(key, output);
    } catch (error) {
      throw this.#error(error, 'head', key);
    }
  }

  async get(key: string): Promise<ObjectStream> {
    validateKey(key);
    try {
      const output = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#config.bucket, Key: this.#objectKey(key) }),
      );
      const body = output.Body;
      if (!(body instanceof Readable)) {
        throw new StorageError('Unknown', 'get: the S3 client returned no stream', {
          backend: 's3',
        });
      }
      return { ...this.#infoFrom(key, output), body };
    } catch (error) {
      throw this.#error(error, 'get', key);
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.#client.send(
        new DeleteObjectCommand({ Bucket: this.#config.bucket, Key: this.#objectKey(key) }),
      );
    } catch (error) {
      const mapped = this.#error(error, 'delete', key);
      if (mapped.code !== 'NotFound') throw mapped;
    }
  }

  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const fullPrefix = this.#objectKey(prefix);
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#config.bucket,
            Prefix: fullPrefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw this.#error(error, 'list');
      }
      const keys = (page.Contents ?? [])
        .map((object) => object.Key)
        .filter(
          (key): key is string => typeof key === 'string' && key.startsWith(this.#config.prefix),
        )
        .map((key) => key.slice(this.#config.prefix.length));
      // ListObjectsV2 has no content types: HEAD each object, a few at a time, in order.
      for (let i = 0; i < keys.length; i += this.#listHeadConcurrency) {
        const batch = keys.slice(i, i + this.#listHeadConcurrency);
        const infos = await Promise.all(
          batch.map((key) =>
            this.head(key).catch((error: unknown) => {
              if (
                error instanceof StorageError &&
                (error.code === 'NotFound' || error.code === 'InvalidKey')
              ) {
                return undefined; // deleted since the listing, or a key made outside this policy
              }
              throw error;
            }),
          ),
        );
        for (const info of infos) if (info) yield info;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async url(key: string, options: UrlOptions = {}): Promise<string> {
    validateKey(key);
    if (!this.#config.signedUrls) return `${this.#config.publicBaseUrl}${encodeKeyPath(key)}`;
    try {
      return await getSignedUrl(
        this.#client,
        new GetObjectCommand({ Bucket: this.#config.bucket, Key: this.#objectKey(key) }),
        { expiresIn: options.expiresIn ?? 3600 },
      );
    } catch (error) {
      throw this.#error(error, 'url', key);
    }
  }

  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#config.bucket }), {
        abortSignal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      const mapped = this.#error(error, 'check');
      // A 404 on HeadBucket means the bucket is missing: not ready, rather than "not found".
      if (mapped.code === 'NotFound') {
        throw new StorageError('Unavailable', 'check: the bucket does not exist', {
          backend: 's3',
          ...(mapped.status !== undefined ? { status: mapped.status } : {}),
        });
      }
      throw mapped.code === 'Aborted'
        ? new StorageError('Unavailable', 'check: no answer within 10 s', { backend: 's3' })
        : mapped;
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}
