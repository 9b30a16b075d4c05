// Streaming multipart/form-data uploads on @fastify/busboy, the parser @fastify/multipart
// uses as well: every app reads a form the same way. The `file` part is handed on as a
// stream while the body is still arriving; nothing is buffered, whatever the size.
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { Busboy, type BusboyConfig, type BusboyInstance } from '@fastify/busboy';
import { HttpError, payloadTooLarge } from './errors.js';

/** The form field that holds the file; other parts are read and ignored. */
export const FILE_FIELD = 'file';

export interface MultipartFile {
  /** The part's bytes. Errors with a 413 HttpError once more than `maxBytes` arrived. */
  stream: Readable;
  /** The filename the client sent, path included (sanitize before use). */
  filename: string;
  /**
   * The part's Content-Type as the parser reports it: lower-cased, without parameters, and
   * `text/plain` when the part has none (RFC 7578 section 4.4). Not validated yet.
   */
  mimeType: string;
}

export interface MultipartOptions {
  /** The largest accepted file, in bytes. */
  maxBytes: number;
  /** The form field that holds the file (default `file`); other parts are skipped. */
  fieldName?: string;
}

/**
 * The parser options every app uses (app-core's `receiveFile`, and Fastify's
 * `request.files()` hands them to the same parser): the path stays in the filename so that
 * `sanitizeFilename` applies the contract's rules itself, and bounded form fields.
 */
export function multipartOptions(maxBytes: number) {
  return {
    preservePath: true,
    limits: { fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024, parts: 100 },
  } satisfies Omit<BusboyConfig, 'headers'>;
}

export function isMultipart(contentType: string | undefined): boolean {
  return typeof contentType === 'string' && /^multipart\/form-data\s*(;|$)/i.test(contentType);
}

/**
 * A file part's bytes, failing with `413 payload_too_large` as soon as the parser reaches
 * `fileSize` (the parser itself only truncates the part and emits `limit`, which would look
 * like a complete file) and with `400 bad_request` when the part breaks off.
 */
export function limitedFileStream(file: Readable, maxBytes: number): Readable {
  const out = new PassThrough();
  file.once('limit', () => {
    file.unpipe(out);
    file.resume();
    out.destroy(payloadTooLarge(maxBytes));
  });
  file.once('error', (err) => {
    out.destroy(new HttpError(400, 'bad_request', 'The upload was interrupted', { cause: err }));
  });
  return file.pipe(out);
}

export const missingFile = (fieldName = FILE_FIELD): HttpError =>
  new HttpError(400, 'missing_file', `No file in the "${fieldName}" field`);

/**
 * Reads `req` as multipart/form-data and calls `handler` with the first `file` part as
 * soon as its headers arrive. Resolves with the handler's result.
 *
 * - not multipart: 415 `unsupported_media_type`; malformed: 400 `bad_request`;
 * - no `file` part (an empty body too), or one with an empty filename: 400 `missing_file`;
 * - more than `maxBytes`: the file stream fails with 413 `payload_too_large`; more parts
 *   than `multipartOptions` allows before the file: 413 as well.
 *
 * When the handler finishes before the body does (or fails), the rest of the body is
 * read and discarded; the error response then asks the client to close the connection.
 */
export function receiveFile<T>(
  req: IncomingMessage,
  options: MultipartOptions,
  handler: (file: MultipartFile) => Promise<T>,
): Promise<T> {
  const fieldName = options.fieldName ?? FILE_FIELD;
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !isMultipart(contentType)) {
    req.resume();
    return Promise.reject(
      new HttpError(415, 'unsupported_media_type', 'Expected a multipart/form-data body'),
    );
  }

  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { ...req.headers, 'content-type': contentType },
      ...multipartOptions(options.maxBytes),
    });
  } catch (err) {
    // No boundary, or one the parser refuses.
    req.resume();
    return Promise.reject(
      new HttpError(400, 'bad_request', 'Malformed multipart/form-data body', { cause: err }),
    );
  }

  return new Promise<T>((resolve, reject) => {
    let started = false;
    let settled = false;
    let sawData = false;
    let current: Readable | undefined;

    const finish = (err: unknown, value?: T): void => {
      if (settled) return;
      settled = true;
      // Stop parsing; drain whatever the client still sends so the response can go out.
      req.unpipe(parser);
      parser.removeAllListeners('file');
      if (!req.complete) req.resume();
      if (err === undefined) resolve(value as T);
      else reject(err);
    };

    parser.on('file', (name, stream, filename, _transferEncoding, mimeType) => {
      if (started || settled || name !== fieldName || !filename) {
        stream.resume();
        return;
      }
      started = true;
      const out = limitedFileStream(stream, options.maxBytes);
      current = out;
      handler({ stream: out, filename, mimeType }).then(
        (value) => finish(undefined, value),
        (err: unknown) => finish(err),
      );
    });
    parser.on('error', (err) => {
      // An empty body is an empty form (as @fastify/multipart reads it): no file.
      if (!sawData) {
        finish(missingFile(fieldName));
        return;
      }
      const error = new HttpError(400, 'bad_request', 'Malformed or incomplete multipart body', {
        cause: err,
      });
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    // More parts than multipartOptions allows before the file: 413, as @fastify/multipart
    // answers (a file among the first parts is stored; the rest is discarded).
    parser.on('partsLimit', () => {
      if (!started) {
        finish(new HttpError(413, 'payload_too_large', 'The form has too many parts'));
      }
    });
    parser.on('finish', () => {
      if (!started) finish(missingFile(fieldName));
    });
    // The client went away before the body was complete.
    req.on('close', () => {
      if (req.complete) return;
      const error = new HttpError(400, 'bad_request', 'The client closed the connection');
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    req.once('data', () => {
      sawData = true;
    });
    req.pipe(parser);
  });
}
