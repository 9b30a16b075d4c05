// A streaming multipart/form-data reader over Node's IncomingMessage (busboy underneath).
// It hands the `file` part to a handler as a stream while the body is still arriving:
// nothing is buffered, whatever the size. Express and Koa use it; Fastify has its own.
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from './errors.js';
import { normalizeContentType } from './filename.js';
import { payloadTooLarge } from './media-service.js';

export interface MultipartFile {
  /** The part's bytes. Errors with a 413 HttpError once more than `maxBytes` arrived. */
  stream: Readable;
  /** The filename the client sent, as sent (sanitize before use). */
  filename: string;
  /** The part's declared Content-Type when it was well-formed; undefined when absent or not. */
  mimeType: string | undefined;
}

export interface MultipartOptions {
  /** The largest accepted file, in bytes. */
  maxBytes: number;
  /** The form field that holds the file (default `file`); other parts are skipped. */
  fieldName?: string;
}

const MAX_PART_HEADER_BYTES = 16 * 1024;

/**
 * busboy reports `text/plain` both for a part that says so and for one whose Content-Type
 * is missing or malformed (RFC 7578's default). The contract wants the latter stored as
 * `application/octet-stream`, so this pass-through watches the body for the header block
 * of the file part and keeps its raw Content-Type. It stops looking once it found it (or
 * after a header block too large to be one), so the file's bytes are only passed along.
 */
class PartHeaderSniffer extends Transform {
  /** The raw Content-Type of the file part; undefined when it had none. */
  contentType: string | undefined;
  /** True once the file part's headers were seen. */
  found = false;
  private done = false;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly delimiter: Buffer;

  constructor(
    boundary: string,
    private readonly fieldName: string,
  ) {
    super();
    this.delimiter = Buffer.from(`--${boundary}`, 'latin1');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.done) this.scan(chunk);
    callback(null, chunk);
  }

  private scan(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter);
      if (at === -1) {
        this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length));
        return;
      }
      const start = at + this.delimiter.length + 2; // past "--boundary\r\n"
      const end = this.buffer.indexOf('\r\n\r\n', start, 'latin1');
      if (end === -1) {
        if (this.buffer.length - at > MAX_PART_HEADER_BYTES) this.stop();
        else this.buffer = this.buffer.subarray(at);
        return;
      }
      if (this.inspect(this.buffer.subarray(start, end).toString('latin1'))) {
        this.stop();
        return;
      }
      this.buffer = this.buffer.subarray(end + 4);
    }
  }

  /** True when this header block is the file part's (and records its Content-Type). */
  private inspect(block: string): boolean {
    let disposition: string | undefined;
    let contentType: string | undefined;
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-disposition') disposition = value;
      else if (name === 'content-type') contentType = value;
    }
    if (!disposition || !/;\s*filename\*?\s*=/i.test(disposition)) return false;
    const match = /;\s*name\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(disposition);
    if ((match?.[1] ?? match?.[2]) !== this.fieldName) return false;
    this.found = true;
    this.contentType = contentType;
    return true;
  }

  private stop(): void {
    this.done = true;
    this.buffer = Buffer.alloc(0);
  }
}

function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The declared type busboy reported, or undefined when the part did not really declare it. */
function declaredType(reported: string, sniffer: PartHeaderSniffer): string | undefined {
  if (reported !== 'text/plain') return reported;
  const raw = sniffer.found ? sniffer.contentType : undefined;
  return raw !== undefined && normalizeContentType(raw) === 'text/plain' ? reported : undefined;
}

export function isMultipart(contentType: string | undefined): boolean {
  return typeof contentType === 'string' && /^multipart\/form-data\s*(;|$)/i.test(contentType);
}

/**
 * Reads `req` as multipart/form-data and calls `handler` with the first `file` part as
 * soon as its headers arrive. Resolves with the handler's result.
 *
 * - not multipart: 415 `unsupported_media_type`; malformed: 400 `bad_request`;
 * - no `file` part, or one with an empty filename: 400 `missing_file`;
 * - more than `maxBytes`: the file stream fails with 413 `payload_too_large`.
 *
 * When the handler finishes before the body does (or fails), the rest of the body is
 * read and discarded so that the response can be delivered on a keep-alive connection.
 */
export function receiveFile<T>(
  req: IncomingMessage,
  options: MultipartOptions,
  handler: (file: MultipartFile) => Promise<T>,
): Promise<T> {
  const fieldName = options.fieldName ?? 'file';
  if (!isMultipart(req.headers['content-type'])) {
    req.resume();
    return Promise.reject(
      new HttpError(415, 'unsupported_media_type', 'Expected a multipart/form-data body'),
    );
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Filenames are UTF-8 in every current browser; keep the path so that app-core's
      // sanitizeFilename applies the contract's rules itself.
      defParamCharset: 'utf8',
      preservePath: true,
      // busboy signals `limit` on reaching fileSize, so one more byte than allowed.
      limits: { fileSize: options.maxBytes + 1, fields: 50, fieldSize: 64 * 1024, parts: 100 },
    });
  } catch (err) {
    req.resume();
    return Promise.reject(
      new HttpError(400, 'bad_request', 'Malformed multipart/form-data body', { cause: err }),
    );
  }

  const sniffer = new PartHeaderSniffer(
    boundaryOf(req.headers['content-type'] ?? '') ?? '',
    fieldName,
  );

  return new Promise<T>((resolve, reject) => {
    let started = false;
    let settled = false;
    let current: PassThrough | undefined;

    const finish = (err: unknown, value?: T): void => {
      if (settled) return;
      settled = true;
      // Stop parsing; drain whatever the client still sends so the response can go out.
      req.unpipe(sniffer);
      sniffer.unpipe(parser);
      parser.removeAllListeners('file');
      if (!req.complete) req.resume();
      if (err === undefined) resolve(value as T);
      else reject(err);
    };

    parser.on('file', (name, partStream, info) => {
      if (started || settled || name !== fieldName || !info.filename) {
        partStream.resume();
        return;
      }
      started = true;
      const out = new PassThrough();
      current = out;
      partStream.on('limit', () => {
        partStream.unpipe(out);
        partStream.resume();
        out.destroy(payloadTooLarge(options.maxBytes));
      });
      partStream.on('error', (err) => {
        out.destroy(
          new HttpError(400, 'bad_request', 'The upload was interrupted', { cause: err }),
        );
      });
      partStream.pipe(out);
      const mimeType = declaredType(info.mimeType, sniffer);
      handler({ stream: out, filename: info.filename, mimeType }).then(
        (value) => finish(undefined, value),
        (err: unknown) => finish(err),
      );
    });
    parser.on('error', (err) => {
      const error = new HttpError(400, 'bad_request', 'Malformed or incomplete multipart body', {
        cause: err,
      });
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    parser.on('close', () => {
      if (!started)
        finish(new HttpError(400, 'missing_file', `No file in the "${fieldName}" field`));
    });
    // The client went away before the body was complete.
    req.on('close', () => {
      if (req.complete) return;
      const error = new HttpError(400, 'bad_request', 'The client closed the connection');
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    req.pipe(sniffer).pipe(parser);
  });
}
