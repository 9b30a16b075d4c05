// Streaming uploads with @fastify/multipart, and sending media content with a FastifyReply.
// The `file` part goes to storage while the body is still arriving: nothing is buffered.
import { PassThrough, type Readable } from 'node:stream';
import {
  contentHeaders,
  HttpError,
  isNotModified,
  type Media,
  type MediaContent,
  type MediaService,
  payloadTooLarge,
  REDIRECT_CACHE_CONTROL,
} from '@divio-samples/app-core';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unsupportedMediaType } from './plugins/errors.ts';

/** The form field that holds the file; other parts are read and ignored. */
export const FILE_FIELD = 'file';

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Busboy's own errors ("Unexpected end of form", ...) are the client's: a 400. */
function malformed(err: unknown): unknown {
  if (err instanceof HttpError || (statusOf(err) ?? 500) < 500) return err;
  return new HttpError(400, 'bad_request', 'Malformed or incomplete multipart body', {
    cause: err,
  });
}

/**
 * The part's bytes, failing with 413 as soon as busboy hits `fileSize` (busboy itself only
 * truncates the part and sets `file.truncated`, which would look like a complete file) and
 * with 400 when the part breaks off.
 */
function limitedStream(part: MultipartFile, maxBytes: number): Readable {
  const { file } = part;
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

/**
 * Reads a multipart/form-data request and uploads its `file` part with `media.upload`.
 *
 * - not multipart: 415 `unsupported_media_type`; malformed: 400 `bad_request`;
 * - no `file` part, or one with an empty filename: 400 `missing_file`;
 * - more than `maxBytes`: 413 `payload_too_large`, and nothing is stored.
 */
export async function receiveUpload(
  request: FastifyRequest,
  media: MediaService,
  maxBytes: number,
): Promise<Media> {
  if (!request.isMultipart()) throw unsupportedMediaType();
  const parts = request.files({
    limits: { fileSize: maxBytes, fields: 50, fieldSize: 64 * 1024, parts: 100 },
  });
  let uploaded: Media | undefined;
  try {
    for (;;) {
      let next: IteratorResult<MultipartFile>;
      try {
        next = await parts.next();
      } catch (err) {
        // A broken tail after the file was stored does not undo the upload.
        if (uploaded) break;
        throw malformed(err);
      }
      if (next.done) break;
      const part = next.value;
      if (uploaded || part.fieldname !== FILE_FIELD || !part.filename) {
        // Not ours: read it to nothing so that parsing goes on.
        part.file.resume();
        continue;
      }
      uploaded = await media.upload({
        stream: limitedStream(part, maxBytes),
        filename: part.filename,
        contentType: part.mimetype,
        limit: maxBytes,
      });
    }
  } catch (err) {
    stopReading(request);
    throw err;
  }
  stopReading(request);
  if (!uploaded) {
    throw new HttpError(400, 'missing_file', `No file in the "${FILE_FIELD}" field`);
  }
  return uploaded;
}

/** Detaches the parser and discards what is left of the body (the error reply closes the connection). */
function stopReading(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.complete) return;
  raw.unpipe();
  raw.resume();
}

/**
 * A media item's content: a redirect to the object store, or the file itself. Routes that
 * use it answer GET and HEAD themselves (`exposeHeadRoute: false`): Fastify's automatic HEAD
 * route would read the whole file only to discard it.
 */
export function sendContent(
  request: FastifyRequest,
  reply: FastifyReply,
  content: MediaContent,
): FastifyReply {
  if (content.kind === 'redirect') {
    return reply.header('Cache-Control', REDIRECT_CACHE_CONTROL).redirect(content.location, 302);
  }
  reply.headers(contentHeaders(content));
  if (request.method === 'HEAD' || isNotModified(request.headers['if-none-match'], content.etag)) {
    content.stream.destroy();
    if (request.method !== 'HEAD') reply.code(304).removeHeader('Content-Length');
    return reply.send();
  }
  return reply.send(content.stream);
}
