// The rules that run before any route, as middleware: guards would not do, since they run
// only for a route that matched, and these must also answer paths no route has (a foreign
// Host is `400 bad_host` before it could be a 404).
//
// - `requestContext`: a plain function for `app.use()` (app.ts), the first thing every
//   request meets. Middleware applied through a module's MiddlewareConsumer is skipped when
//   Express cannot decode the path, and these headers and the URL check must answer exactly
//   those requests too.
// - `HostCheckMiddleware`, `HttpsRedirectMiddleware`: Nest middleware classes with the
//   runtime injected, applied to every path by AppModule. They read the request's own URL,
//   `req.originalUrl`: inside middleware that Express mounted at a path, `req.url` and
//   `req.path` are relative to it.
import {
  checkHost,
  checkUrl,
  logRequest,
  pathOf,
  type Runtime,
  requestId,
  securityHeaders,
  sslRedirect,
} from '@divio-samples/app-core';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendReply } from './reply.ts';
import { RUNTIME } from './runtime.module.ts';

/**
 * Request id, request log line, security headers: first, so that every response has them;
 * then a path that is not valid percent-encoding is a 400 before any router sees it.
 */
export function requestContext(runtime: Runtime): RequestHandler {
  const { logger, config, mediaOrigins } = runtime;
  const { security } = config.divio;
  return (req, res, next) => {
    const id = requestId(req.headers['x-request-id']);
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    logRequest(logger, req, res, id);
    res.set(securityHeaders(security, req.headers, mediaOrigins));
    next(checkUrl(req.url));
  };
}

/** `400 bad_host` for a Host the app does not serve (the health paths are exempt). */
@Injectable()
export class HostCheckMiddleware implements NestMiddleware<Request, Response> {
  readonly #runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.#runtime = runtime;
  }

  use(req: Request, _res: Response, next: NextFunction): void {
    const { security } = this.#runtime.config.divio;
    const error = checkHost(security, req.headers.host, pathOf(req.originalUrl));
    if (error) throw error;
    next();
  }
}

/**
 * The HTTPS redirect (after the host check, so `Location` never names a foreign host): when
 * the platform's proxy says the request came over plain HTTP (app-core's `sslRedirect`).
 */
@Injectable()
export class HttpsRedirectMiddleware implements NestMiddleware<Request, Response> {
  readonly #runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.#runtime = runtime;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const { method, originalUrl, headers } = req;
    const redirect = sslRedirect(this.#runtime.config.divio.security, {
      method,
      url: originalUrl,
      headers,
    });
    if (redirect) sendReply(res, redirect);
    else next();
  }
}
