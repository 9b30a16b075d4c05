// Streaming multipart/form-data uploads on @fastify/busboy (the maintained busboy fork): the
// one reader every app uses, over Node's own request (Fastify's included), so every app
// reads a form the same way. The `file` part is handed on as a stream while the body is
// still arriving; nothing is buffered, whatever the size.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Busboy, type BusboyConfig, type BusboyInstance } from '@fastify/busboy';
import { HttpError, payloadTooLarge } from './errors.js';

/** The form field that holds the file; other parts are read and ignored. */
export const FILE_FIELD = 'file';

/** One message for every body that cannot be read as multipart/form-data (all apps, all cases). */
const MALFORMED = 'Malformed or incomplete multipart/form-data body';
/** One message for every limit a form breaks before its file part. */
const TOO_MANY_PARTS = 'The form has too many parts or fields, or a field that is too large';

const malformed = (cause?: unknown): HttpError =>
  new HttpError(400, 'bad_request', MALFORMED, { cause });

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
 * The parser options: the path stays in the filename so that `sanitizeFilename` applies the
 * contract's rules itself, and bounded form fields (more than 100 parts or 50 fields, or a
 * field over 64 KiB, before the file part is a 413).
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
    out.destroy(malformed(err));
  });
  return file.pipe(out);
}

export const missingFile = (fieldName = FILE_FIELD): HttpError =>
  new HttpError(400, 'missing_file', `No file in the "${fieldName}" field`);

function emptyBoundary(contentType: string): boolean {
  return /;\s*boundary\s*=\s*(?:""\s*)?(?:;|$)/i.test(contentType);
}

/**
 * A request body as the reader needs it: Node's IncomingMessage as it is, or a Web `Request`
 * (what Next.js route handlers get) whose `body` stream becomes a Node Readable
 * (`Readable.fromWeb`, which pulls only as fast as the parser reads: still no buffering).
 */
interface BodySource {
  headers: IncomingHttpHeaders;
  stream: Readable;
  /** Whether the whole body arrived (IncomingMessage's `complete`). */
  complete(): boolean;
}

function isWebRequest(req: IncomingMessage | Request): req is Request {
  return typeof (req as Request).arrayBuffer === 'function' && !('socket' in req);
}

function bodySource(req: IncomingMessage | Request): BodySource {
  if (!isWebRequest(req))
    return { headers: req.headers, stream: req, complete: () => req.complete };
  const headers: IncomingHttpHeaders = {};
  req.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const stream = req.body
    ? Readable.fromWeb(req.body as WebReadableStream<Uint8Array>)
    : Readable.from([]);
  let ended = false;
  stream.once('end', () => {
    ended = true;
  });
  // A client that goes away makes the web stream fail: the `close` below reports it.
  stream.on('error', () => {});
  return { headers, stream, complete: () => ended };
}

/**
 * Reads `req` (Node's request, or a Web `Request`) as multipart/form-data and calls `handler` with the first `file` part as
 * soon as its headers arrive. Resolves with the handler's result.
 *
 * - not multipart: 415 `unsupported_media_type`;
 * - no or an empty boundary, an empty body, a body cut off before its closing boundary, a
 *   part header the parser rejects: 400 `bad_request` (one message);
 * - no `file` part, or one with an empty filename: 400 `missing_file`;
 * - more than `maxBytes`: the file stream fails with 413 `payload_too_large`; more parts or
 *   fields than `multipartOptions` allows, or a field too large, before the file: 413 as well.
 *
 * When the handler finishes before the body does (or fails), the rest of the body is
 * read and discarded; the error response then asks the client to close the connection.
 */
export function receiveFile<T>(
  request: IncomingMessage | Request,
  options: MultipartOptions,
  handler: (file: MultipartFile) => Promise<T>,
): Promise<T> {
  const fieldName = options.fieldName ?? FILE_FIELD;
  const { headers, stream: req, complete } = bodySource(request);
  const contentType = headers['content-type'];
  if (contentType === undefined || !isMultipart(contentType)) {
    req.resume();
    return Promise.reject(
      new HttpError(415, 'unsupported_media_type', 'Expected a multipart/form-data body'),
    );
  }

  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { ...headers, 'content-type': contentType },
      ...multipartOptions(options.maxBytes),
    });
  } catch (err) {
    // No boundary, or one the parser refuses.
    req.resume();
    return Promise.reject(malformed(err));
  }
  // An empty boundary (`boundary=`, `boundary=""`) is no boundary (RFC 2046 section 5.1.1:
  // 1 to 70 characters); the parser would wait for a delimiter that cannot be matched.
  if (emptyBoundary(contentType)) {
    req.resume();
    return Promise.reject(malformed());
  }

  return new Promise<T>((resolve, reject) => {
    let started = false;
    let settled = false;
    let current: Readable | undefined;

    const finish = (err: unknown, value?: T): void => {
      if (settled) return;
      settled = true;
      // Stop parsing; drain whatever the client still sends so the response can go out.
      req.unpipe(parser);
      parser.removeAllListeners('file');
      if (!complete()) req.resume();
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
      // An empty body, a body cut off before its closing boundary, a part header the parser
      // rejects: one 400 (the file stream, if it started, fails with it).
      const error = malformed(err);
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    // Limits hit before the file part: 413, the same answer for each of them (a file among
    // the first parts is stored; the rest is discarded).
    const tooMany = () => {
      if (!started) finish(new HttpError(413, 'payload_too_large', TOO_MANY_PARTS));
    };
    parser.on('partsLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('field', (_name, _value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) tooMany();
    });
    parser.on('finish', () => {
      if (!started) finish(missingFile(fieldName));
    });
    // The client went away before the body was complete.
    req.on('close', () => {
      if (complete()) return;
      const error = malformed();
      if (current && !current.destroyed) current.destroy(error);
      if (!started) finish(error);
    });
    req.pipe(parser);
  });
}
