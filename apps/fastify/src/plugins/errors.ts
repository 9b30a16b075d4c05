// One error shape for the whole app: the root error handler, the not-found handler (404, or
// 405 with `Allow` for a known path), and the mapping of Fastify's own errors (validation,
// content-type parsing, multipart limits, bad URLs) onto app-core's HttpError codes.
import {
  closeIfBodyUnread,
  type ErrorResponse,
  HttpError,
  methodNotAllowed,
  notFound,
  pathOf,
  payloadTooLarge,
  toErrorResponse,
} from '@divio-samples/app-core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const unsupportedMediaType = (): HttpError =>
  new HttpError(415, 'unsupported_media_type', 'Expected a multipart/form-data body');

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

/** Fastify's and its plugins' errors, as the HttpError the contract names; others as they are. */
export function normalizeError(err: unknown, maxUploadBytes: number): unknown {
  if (err instanceof HttpError || !isFastifyError(err)) return err;
  if (err.validation) {
    // An id that is not a UUID names no media item.
    if (err.validationContext === 'params') return notFound('No media with this id');
    const issue = err.validation[0];
    const field =
      issue?.instancePath.replace(/^\//, '').replaceAll('/', '.') ||
      String(issue?.params.missingProperty ?? err.validationContext ?? 'request');
    const message = `${field}: ${issue?.message ?? 'is invalid'}`;
    return err.validationContext === 'querystring'
      ? new HttpError(400, 'invalid_query', message, { cause: err })
      : new HttpError(400, 'bad_request', message, { cause: err });
  }
  switch (err.code) {
    // No parser for the Content-Type (the app registers none but multipart's), or a
    // multipart API called on another body.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return unsupportedMediaType();
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(maxUploadBytes);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return notFound();
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'bad_request', 'Malformed URL', { cause: err });
    default:
      return err;
  }
}

export interface ErrorsOptions {
  debug: boolean;
  maxUploadBytes: number;
}

/**
 * The response for `err` (logged when it is a 5xx). Also asks the client to close the
 * connection when the request body was not read to its end: draining an oversized upload
 * would keep the client sending for nothing.
 */
export function prepareErrorReply(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: ErrorsOptions,
): ErrorResponse {
  const cause = normalizeError(err, options.maxUploadBytes);
  const response = toErrorResponse(cause, { debug: options.debug });
  if (response.status >= 500) request.log.error({ err: cause }, 'request failed');
  reply.code(response.status);
  reply.headers({ ...response.headers, ...closeIfBodyUnread(request.raw, response.status) });
  return response;
}

/** Answers with the JSON error for `err` (see `prepareErrorReply`). */
export function sendError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: ErrorsOptions,
): FastifyReply {
  return reply.send(prepareErrorReply(err, request, reply, options).body);
}

/** `/api/media/:id` -> `^/api/media/[^/]+$`; `/static/*` -> `^/static/.*$`. */
function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

async function errors(app: FastifyInstance, options: ErrorsOptions): Promise<void> {
  // Every route's methods, by path pattern: a known path with another method is a 405.
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    let entry = routes.get(route.url);
    if (!entry) {
      entry = { pattern: routePattern(route.url), methods: new Set() };
      routes.set(route.url, entry);
    }
    for (const method of ([] as string[]).concat(route.method)) entry.methods.add(method);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const allowed = new Set<string>();
    for (const { pattern, methods } of routes.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    const err =
      allowed.size > 0 && !allowed.has(request.method) ? methodNotAllowed(allowed) : notFound();
    return sendError(err, request, reply, options);
  });

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

/** Root error and not-found handlers (wrapped with fastify-plugin: they apply app-wide). */
export default fp(errors, { name: 'errors', fastify: '5.x' });
