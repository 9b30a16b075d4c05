// One error shape for the whole app: the root error handler, requests no route answers (404,
// or 405 with `Allow` for a known path: app-core's `noRoute`), and the mapping of Fastify's
// own errors (a bad URL, an unusable Content-Type) onto app-core's HttpError codes.
import {
  type ErrorResponse,
  HttpError,
  noRoute,
  pathOf,
  toErrorResponse,
} from '@divio-samples/app-core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

/** Fastify's own errors, as the HttpError the contract names; others as they are. */
export function normalizeError(err: unknown): unknown {
  if (err instanceof HttpError || !isFastifyError(err)) return err;
  switch (err.code) {
    // A Content-Type that is not a media type at all, on a route that takes a body.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Expected a multipart/form-data body');
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'bad_request', 'Malformed URL', { cause: err });
    default:
      return err;
  }
}

export interface ErrorsOptions {
  debug: boolean;
  /** The file backend serves `/media/<key>` (a known path for `noRoute`). */
  fileMedia: boolean;
}

/** Sets the status and headers of the error response for `err` (logged when a 5xx). */
export function prepareErrorReply(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: Pick<ErrorsOptions, 'debug'>,
): ErrorResponse {
  const cause = normalizeError(err);
  const response = toErrorResponse(cause, { debug: options.debug });
  if (response.status >= 500) request.log.error({ err: cause }, 'request failed');
  reply.code(response.status).headers(response.headers);
  return response;
}

/** Answers with the JSON error for `err` (see `prepareErrorReply`). */
export function sendError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: Pick<ErrorsOptions, 'debug'>,
): FastifyReply {
  return reply.send(prepareErrorReply(err, request, reply, options).body);
}

async function errors(app: FastifyInstance, options: ErrorsOptions): Promise<void> {
  const unrouted = (request: FastifyRequest) =>
    noRoute(request.method, pathOf(request.url), { fileMedia: options.fileMedia });

  // No route: answered here, before Fastify reads or checks a body (a QUERY without
  // Content-Type, say, is a 405 or 404 like any other method), as the other apps do. The
  // router also matches an empty parameter (`/api/media/` as `/api/media/:id`): for the
  // contract, whose paths match exactly, that is no route either.
  app.addHook('onRequest', async (request) => {
    const params = Object.values((request.params ?? {}) as Record<string, unknown>);
    if (request.is404 || params.includes('')) throw unrouted(request);
  });
  app.setNotFoundHandler((request, reply) => sendError(unrouted(request), request, reply, options));

  app.setErrorHandler((err, request, reply) => {
    if (reply.sent || reply.raw.headersSent) {
      // A stream failed mid-response: nothing can be said any more; end the connection.
      request.log.error({ err }, 'response failed after the headers were sent');
      reply.raw.destroy();
      return;
    }
    return sendError(err, request, reply, options);
  });
}

/** Root error and not-found handling (wrapped with fastify-plugin: it applies app-wide). */
export default fp(errors, { name: 'errors', fastify: '5.x' });
