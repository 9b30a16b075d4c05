// A streaming multipart/form-data reader over Node's IncomingMessage (busboy underneath).
// It hands the `file` part to a handler as a stream while the body is still arriving:
// nothing is buffered, whatever the size. Express and Koa use it; Fastify has its own.
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from './errors.js';
import { payloadTooLarge } from './media-service.js';

export interface MultipartFile {
  /** The part's bytes. Errors with a 413 HttpError once more than `maxBytes` arrived. */
  stream: Readable;
  /** The filename the client sent, as sent (sanitize before use). */
  filename: string;
  /** The part's declared Content-Type, as sent. */
  mimeType: string;
}

export interface MultipartOptions {
  /** The largest accepted file, in bytes. */
  maxBytes: number;
  /** The form field that holds the file (default `file`); other parts are skipped. */
  fieldName?: string;
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
      limits: { fileSize: options.maxBytes, fields: 50, fieldSize: 64 * 1024, parts: 100 },
    });
  } catch (err) {
    req.resume();
    return Promise.reject(
      new HttpError(400, 'bad_request', 'Malformed multipart/form-data body', { cause: err }),
    );
  }

  return new Promise<T>((resolve, reject) => {
    let started = false;
    let settled = false;
    let current: PassThrough | undefined;

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
      handler({ stream: out, filename: info.filename, mimeType: info.mimeType }).then(
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
    req.on('aborted', () => {
      const error = new HttpError(400, 'bad_request', 'The client closed the connection');
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    req.pipe(parser);
  });
}
