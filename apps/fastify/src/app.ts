// The Fastify app: app-core's runtime wired into Fastify 5 plugins. Everything
// framework-independent (validation, storage, SQL, headers, error mapping) lives in
// @divio-samples/app-core; this file only decides how it plugs into Fastify:
//
//   errors    root error and not-found handlers (fastify-plugin: app-wide)
//   security  security headers, Host check, HTTPS redirect, log line (app-wide)
//   assets    @fastify/static for /static (the built assets)
//   multipart @fastify/multipart, the only body parser: uploads are streamed, never buffered
//   health    /healthz, /readyz
//   media     the JSON API, and /media/<key> on the file backend
//   pages     / and /upload (HTML; the form's errors render the page)
//
// The numbered sections below follow a request; `server.ts` serves the app with app-core.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  isStaticAsset,
  type Logger,
  multipartOptions,
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

  // 1. Request id and the one log line per request: Fastify's own, with app-core's parts.
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

  // 6. (Registered first: its onRoute hook must see every route.) Errors, 404, and 405 with
  //    `Allow` for a known path, all in the contract's JSON shape.
  app.register(errors, errorOptions);

  // 2. Security headers, then the Host check and the HTTPS redirect: app-wide onRequest hooks.
  app.register(security, { runtime });

  // 3. Built assets, with a long cache lifetime (pages link them with a content hash). Only
  //    names app-core's isStaticAsset accepts reach @fastify/static (no traversal, dotfiles
  //    or directories): anything else is the app's 404, where `send` would answer some 403.
  app.register(async (assets) => {
    assets.addHook('onRequest', async (request, reply) => {
      if (!isStaticAsset(pathOf(request.url).slice('/static/'.length))) {
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

  // 4. Bodies: multipart uploads only. Without the JSON and text parsers, any other
  //    Content-Type is a 415 before a byte of it is read (so `bodyLimit`, which bounds
  //    buffering parsers only, never applies; uploads are bounded by `fileSize`). The parser
  //    options are app-core's, the same the other apps' uploads use.
  app.removeAllContentTypeParsers();
  app.register(fastifyMultipart, multipartOptions(config.maxUploadBytes));

  // 5. The routes: probes, the JSON API (and /media on the file backend), the HTML page.
  app.register(health, { runtime });
  app.register(mediaRoutes, { runtime });
  app.register(pages, { runtime });

  return app;
}
