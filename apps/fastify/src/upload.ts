// Streaming uploads with @fastify/multipart, and sending media content with a FastifyReply.
// The `file` part goes to storage while the body is still arriving: nothing is buffered.
// The parser is @fastify/busboy with app-core's options, as in the other apps.
import {
  type ContentReply,
  FILE_FIELD,
  HttpError,
  limitedFileStream,
  type Media,
  type MediaService,
  missingFile,
} from '@divio-samples/app-core';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unsupportedMediaType } from './plugins/errors.ts';

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
  // The parser options (app-core's multipartOptions) are the plugin's, set in app.ts.
  const parts = request.files();
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
        stream: limitedFileStream(part.file, maxBytes),
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
  if (!uploaded) throw missingFile();
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
 * Sends app-core's reply for media content (`contentReply`): the redirect, or status,
 * headers and stream. Routes that use it answer GET and HEAD themselves
 * (`exposeHeadRoute: false`): Fastify's automatic HEAD route would read the whole file only
 * to discard it.
 */
export function sendContent(reply: FastifyReply, content: ContentReply): FastifyReply {
  if (content.kind === 'redirect') {
    return reply.headers(content.headers).redirect(content.location, content.status);
  }
  return reply.code(content.status).headers(content.headers).send(content.body);
}
