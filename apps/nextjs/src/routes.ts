// What the route handlers under src/app share: the runtime (from the bridge), JSON answers
// in the contract's form, one error handler, the upload, and app-core's replies as Web
// Responses.

import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Reply, Runtime } from '@divio-samples/app-core';
import { core, DECLARED_LENGTH, runtime } from './bridge.ts';

// app-core through the bridge (one copy in the process), never imported as a value here.
export { core, runtime };

/** A JSON answer as every app sends it: `application/json; charset=utf-8` with its length. */
export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      [DECLARED_LENGTH]: String(Buffer.byteLength(text)),
    },
  });
}

/** Any error as the contract's JSON error (5xx logged with the request id). */
export function errorResponse(request: Request, err: unknown): Response {
  const { config, logger } = runtime();
  const { status, body, headers } = core().toErrorResponse(err, { debug: config.divio.debug });
  if (status >= 500) {
    logger.error({ err, reqId: request.headers.get('x-request-id') }, 'request failed');
  }
  return json(status, body, headers);
}

/** A route handler whose errors become the contract's JSON errors. */
export function handler<Context>(
  fn: (request: Request, context: Context) => Promise<Response>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    try {
      return await fn(request, context);
    } catch (err) {
      return errorResponse(request, err);
    }
  };
}

/**
 * Streams the form's `file` part into storage: `request.body` as a stream into app-core's
 * one multipart reader, never `request.formData()` (which would hold the whole file in
 * memory); the size limit is enforced while the bytes arrive.
 */
export function upload(request: Request): ReturnType<Runtime['media']['upload']> {
  const { config, media } = runtime();
  return core().receiveFile(request, { maxBytes: config.maxUploadBytes }, (file) =>
    media.upload({
      stream: file.stream,
      filename: file.filename,
      contentType: file.mimeType,
      limit: config.maxUploadBytes,
    }),
  );
}

/** A reply app-core decided (media content, a redirect) as a Web Response. */
export function toResponse(reply: Reply): Response {
  const body = reply.body ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>) : null;
  const { 'Content-Length': length, ...headers } = reply.headers;
  return new Response(body, {
    status: reply.status,
    headers: length === undefined ? headers : { ...headers, [DECLARED_LENGTH]: length },
  });
}

/** An empty answer (a redirect, 204) that states its empty length. */
export function empty(status: number, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(null, { status, headers: { ...headers, [DECLARED_LENGTH]: '0' } });
}

/** What app-core's replies read of a request (method, Node-style headers). */
export function requestHead(request: Request): {
  method: string;
  headers: IncomingHttpHeaders;
} {
  const headers: IncomingHttpHeaders = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, headers };
}
