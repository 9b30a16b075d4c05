// Turning any PutBody into one Node Readable that counts bytes and enforces limits.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StorageError } from './errors.js';
import type { PutBody } from './types.js';

/** Bytes seen so far; `done` once the source ended without error. */
export interface ByteCount {
  bytes: number;
  done: boolean;
  /**
   * Why the body stream failed (source error, limit, abort). Backends report this rather
   * than whatever the SDK made of the broken stream.
   */
  error?: StorageError;
}

export interface BodyLimits {
  /** The source must produce exactly this many bytes. */
  contentLength?: number | undefined;
  /** The source must produce at most this many bytes. */
  maxBytes?: number | undefined;
}

function isWebStream(body: unknown): body is WebReadableStream<Uint8Array> {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { getReader?: unknown }).getReader === 'function'
  );
}

/** The body as a Node Readable (buffers become a single-chunk stream, not one per byte). */
export function toReadable(body: PutBody): Readable {
  if (body instanceof Readable) return body;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const buffer = Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return Readable.from(buffer.length > 0 ? [buffer] : [], { objectMode: false });
  }
  if (isWebStream(body)) return Readable.fromWeb(body);
  throw new StorageError(
    'Unknown',
    'Unsupported body: expected a Readable, a ReadableStream, a Buffer or a Uint8Array',
  );
}

/** Byte length when it is known without reading (buffers), else undefined. */
export function knownLength(body: PutBody): number | undefined {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return body.byteLength;
  return undefined;
}

/**
 * Wraps the body in a stream that counts bytes into `count` and fails with `TooLarge`
 * beyond `maxBytes`, or with `Unknown` when `contentLength` was given and the source
 * produced more or fewer bytes. An error of the source becomes StorageError `Aborted`
 * ("Upload body failed: ..."); destroying the result destroys the source.
 */
export function countingStream(body: PutBody, count: ByteCount, limits: BodyLimits = {}): Readable {
  const source = toReadable(body);
  const { contentLength, maxBytes } = limits;
  const limit = Math.min(
    contentLength ?? Number.POSITIVE_INFINITY,
    maxBytes ?? Number.POSITIVE_INFINITY,
  );
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      yield* read();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      count.error =
        error instanceof StorageError
          ? error
          : new StorageError('Aborted', `Upload body failed: ${reason}`);
      throw count.error;
    }
  }
  async function* read(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buffer: Buffer =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk as Uint8Array);
      count.bytes += buffer.length;
      if (count.bytes > limit) {
        if (maxBytes !== undefined && count.bytes > maxBytes) {
          throw new StorageError('TooLarge', `Body exceeds the limit of ${maxBytes} bytes`);
        }
        throw new StorageError(
          'Unknown',
          `Body is longer than contentLength (${contentLength} bytes)`,
        );
      }
      yield buffer;
    }
    if (contentLength !== undefined && count.bytes !== contentLength) {
      throw new StorageError(
        'Unknown',
        `Body ended after ${count.bytes} of contentLength ${contentLength} bytes`,
      );
    }
    count.done = true;
  }
  const out = Readable.from(counted(), { objectMode: false, highWaterMark: 64 * 1024 });
  // If the consumer gives up, stop reading the source too.
  out.once('close', () => {
    if (!count.done && !source.destroyed) source.destroy();
  });
  // destroy(error) from outside (abort signal) also counts as the body's failure.
  out.once('error', (error) => {
    if (count.error === undefined && error instanceof StorageError) count.error = error;
  });
  return out;
}

/** An AbortSignal's reason as a StorageError `Aborted`. */
export function abortedError(): StorageError {
  return new StorageError('Aborted', 'Upload aborted');
}
