// The Fastify app: app-core's runtime wired into Fastify 5 plugins. Everything
// framework-independent (validation, storage, SQL, headers, error mapping) lives in
// @divio-samples/app-core; this file only decides how it plugs into Fastify:
//
//   errors    root error and not-found handlers (fastify-plugin: app-wide)
//   security  request id, security headers, Host check, HTTPS redirect, log line (app-wide)
//   assets    @fastify/static for /static (the built assets)
//   multipart @fastify/multipart, the only body parser: uploads are streamed, never buffered
//   health    /healthz, /readyz
//   media     the JSON API, and /media/<key> on the file backend
//   pages     / and /upload (HTML; the form's errors render the page)
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Logger,
  lookupStaticFile,
  pathOf,
  type Runtime,
  requestId,
  STATIC_CACHE_CONTROL,
  staticDir,
} from '@divio-samples/app-core';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
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
  const errorOptions = { debug: config.divio.debug, maxUploadBytes: config.maxUploadBytes };
  const requestLog = new RequestLogController();

  const app = Fastify({
    // app-core's pino logger (JSON on stdout, credentials redacted), and the contract's one
    // line per request instead of Fastify's two.
    loggerInstance: logger,
    logController: requestLog,
    // The request id: a well-formed X-Request-Id from the client, else a new UUID.
    requestIdHeader: false,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    // On Divio the platform's proxy sets X-Forwarded-For/-Proto and is the only way in.
    trustProxy: config.divio.security.trustProxy,
    // Fastify's 503 while closing has its own body and would fail /healthz too; the
    // security plugin sheds load itself, in the contract's shape (see plugins/security.ts).
    return503OnClosing: false,
    // Errors Fastify raises before any hook runs (a malformed URL, an over-long param).
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

  // The only bodies this app accepts are multipart uploads: without the JSON and text
  // parsers, any other Content-Type is a 415 before a byte of it is read. (So `bodyLimit`,
  // which bounds buffering parsers only, never applies; uploads are bounded by `fileSize`.)
  app.removeAllContentTypeParsers();
  app.register(fastifyMultipart, { limits: { fileSize: config.maxUploadBytes } });

  app.register(errors, errorOptions);
  app.register(security, { runtime });

  // Built assets, with a long cache lifetime (pages link them with a content hash). Only
  // names app-core's lookup accepts reach @fastify/static (no traversal, dotfiles or
  // directories): anything else is the app's 404, where `send` would answer some with 403.
  app.register(async (assets) => {
    assets.addHook('onRequest', async (request, reply) => {
      if (!lookupStaticFile(pathOf(request.url).slice('/static/'.length))) {
        return reply.callNotFound();
      }
    });
    await assets.register(fastifyStatic, {
      root: staticDir,
      prefix: '/static/',
      index: false,
      list: false,
      dotfiles: 'ignore',
      redirect: false,
      cacheControl: false,
      setHeaders: (reply) => reply.header('Cache-Control', STATIC_CACHE_CONTROL),
    });
  });

  app.register(health, { runtime });
  app.register(mediaRoutes, { runtime });
  app.register(pages, { runtime });

  // `app.close()` (the shutdown, or a test) waits for in-flight requests, then closes the
  // database pool and the storage clients.
  app.addHook('onClose', async () => {
    await runtime.close();
  });

  return app;
}
