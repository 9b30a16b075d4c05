// The HTTP rules every request passes first (app-core's pure functions, called from Fastify
// hooks): request id and security headers, the URL check, the Host check and the HTTPS
// redirect; plus the one log line per request. Wrapped with fastify-plugin so that the hooks apply to the whole
// app, 404s and errors included.
import {
  checkHost,
  checkUrl,
  pathOf,
  type Runtime,
  securityHeaders,
  sslRedirect,
} from '@divio-samples/app-core';
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import fp from 'fastify-plugin';
import { sendReply } from '../reply.ts';

/**
 * Fastify's request logging, reduced to the contract's one line per request: `method`,
 * `url` (the path: a query string may hold tokens), `status`, `responseTime` (ms) and
 * `reqId` (a binding of the request's child logger). No "incoming request" line.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    this.writeLine(request, reply, reply.elapsedTime, error);
  }

  /** The line itself; also for replies Fastify does not track (its `frameworkErrors`). */
  writeLine(
    request: FastifyRequest,
    reply: FastifyReply,
    elapsedMs: number,
    error?: Error | null,
  ): void {
    const line = {
      method: request.method,
      url: pathOf(request.url),
      status: reply.statusCode,
      responseTime: Math.round(elapsedMs * 100) / 100,
      ...(error ? { err: error } : {}),
    };
    if (error || reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request completed');
  }
}

export interface SecurityOptions {
  runtime: Runtime;
}

/**
 * Headers for every response. Exported for Fastify's `frameworkErrors` (a malformed URL is
 * answered before any hook runs).
 */
export function applyResponseHeaders(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // `request.id` comes from `genReqId`: the client's X-Request-Id when well formed.
  reply.header('X-Request-Id', request.id);
  reply.headers(
    securityHeaders(runtime.config.divio.security, request.headers, runtime.mediaOrigins),
  );
}

async function security(app: FastifyInstance, { runtime }: SecurityOptions): Promise<void> {
  const { security } = runtime.config.divio;

  app.addHook('onRequest', async (request, reply) => {
    applyResponseHeaders(runtime, request, reply);

    // Fastify's router already refused most undecodable paths (`frameworkErrors`); this
    // catches the rest, with the same answer.
    const malformed = checkUrl(request.url);
    if (malformed) throw malformed;

    // Host check first, so that a redirect never names a host the app does not serve.
    const badHost = checkHost(security, request.headers.host, pathOf(request.url));
    if (badHost) throw badHost;

    const redirect = sslRedirect(security, request.raw);
    if (redirect) return sendReply(reply, redirect);
  });

  // A request the client gave up on before the response: no `requestCompleted` call.
  app.addHook('onRequestAbort', async (request) => {
    request.log.info(
      { method: request.method, url: pathOf(request.url), aborted: true },
      'request aborted',
    );
  });
}

export default fp(security, { name: 'security', fastify: '5.x' });
