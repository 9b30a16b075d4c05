// The Fastify app: app-core's runtime wired into Fastify 5 plugins and hooks. Everything
// framework-independent (validation, storage, SQL, headers, error mapping, uploads, static
// files) lives in @divio-samples/app-core; this file only decides how it plugs into Fastify:
//
//   security  security headers, URL check, Host check, HTTPS redirect, log line (app-wide)
//   errors    the root error handler, and requests no route answers (app-wide)
//   health    /healthz, /readyz
//   media     the JSON API, /static, and /media/<key> on the file backend
//   pages     / and /upload (HTML; the form's errors render the page)
//
// The numbered sections below follow a request; `server.ts` serves the app with app-core.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Logger, type Runtime, requestId } from '@divio-samples/app-core';
import Fastify, { type FastifyInstance } from 'fastify';
import errors, { sendError } from './plugins/errors.ts';
import health from './plugins/health.ts';
import mediaRoutes from './plugins/media.ts';
import pages from './plugins/pages.ts';
import security, { applyResponseHeaders, RequestLogController } from './plugins/security.ts';
import { sharedSchemas } from './schemas.ts';

/** The app's Fastify instance (its logger is app-core's pino logger). */
export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

export function createApp(runtime: Runtime): App {
  const { config, logger } = runtime;
  const errorOptions = {
    debug: config.divio.debug,
    fileMedia: runtime.storage.backend === 'file',
  };
  const requestLog = new RequestLogController();

  // 1. Request id and the one log line per request: Fastify's own, with app-core's parts.
  const app = Fastify({
    // app-core's pino logger (JSON on stdout, credentials redacted), and the contract's one
    // line per request instead of Fastify's two.
    loggerInstance: logger,
    logController: requestLog,
    // The request id: a well-formed X-Request-Id from the client, else a new UUID.
    requestIdHeader: false,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    // On Divio the platform's proxy sets X-Forwarded-For and is the only way in (HTTPS-ness
    // is app-core's, from X-Forwarded-Proto).
    trustProxy: config.divio.security.trustProxy,
    // An id too long to be a UUID is just an unknown id (404 from the route), never a
    // router error: the request line is bounded by Node's 16 KiB header limit anyway.
    routerOptions: { maxParamLength: 16 * 1024 },
    // Errors Fastify raises before any hook runs (a URL its router cannot decode).
    // No hook or response listener runs for these: headers and log line are added here.
    frameworkErrors: (err, request, reply) => {
      const started = performance.now();
      reply.raw.once('finish', () =>
        requestLog.writeLine(request, reply, performance.now() - started),
      );
      applyResponseHeaders(runtime, request, reply);
      return sendError(err, request, reply, errorOptions);
    },
  });
  for (const schema of sharedSchemas) app.addSchema(schema);

  // 2. Security headers, the URL check, the Host check and the HTTPS redirect: app-wide
  //    onRequest hooks, first.
  app.register(security, { runtime });

  // 3. Errors in the contract's JSON shape; a request no route answers is a 405 with
  //    `Allow` on a known path and a 404 elsewhere, before any body is read.
  app.register(errors, errorOptions);

  // 4. Bodies: none is parsed here. Every Content-Type gets a parser that leaves the body
  //    unread: the upload routes hand the raw request to app-core's streaming reader (the
  //    same as every app's), and routes that take no body ignore one (a DELETE with JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // 5. The routes: probes, the JSON API and the files, the HTML page.
  app.register(health, { runtime });
  app.register(mediaRoutes, { runtime });
  app.register(pages, { runtime });

  return app;
}
