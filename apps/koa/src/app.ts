// The Koa app: app-core's runtime wired into Koa 3 middleware and @koa/router routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Koa.
import {
  checkHost,
  checkUrl,
  contentReply,
  errorPage,
  indexPage,
  logRequest,
  noRoute,
  parsePageQuery,
  type Reply,
  type Runtime,
  receiveFile,
  requestId,
  securityHeaders,
  sslRedirect,
  staticReply,
  toErrorResponse,
} from '@divio-samples/app-core';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';

/** What the middleware keeps on `ctx.state` for the ones after it. */
export interface AppState {
  /** The request's id (echoed in `X-Request-Id`, on its log line). */
  requestId: string;
  /** Errors answer with the HTML page instead of JSON (the form's route). */
  htmlErrors?: boolean;
}

type AppContext = Koa.ParameterizedContext<AppState>;

export function createApp(runtime: Runtime): Koa<AppState> {
  const { config, media, logger } = runtime;
  const { security } = config.divio;
  const fileMedia = runtime.storage.backend === 'file';
  // `proxy`: ctx.ip comes from X-Forwarded-For. On Divio the platform's proxy sets it and the
  // app is reachable only through it. (HTTPS-ness is app-core's, from X-Forwarded-Proto.)
  const app = new Koa<AppState>({ proxy: security.trustProxy });

  // Errors that escape the response itself (a stream failing after the headers went out):
  // Koa reports them here instead of printing them to stderr.
  app.on('error', (err: unknown, ctx?: Context) => {
    const reqId = (ctx?.state as Partial<AppState> | undefined)?.requestId;
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') {
      logger.info({ reqId, code }, 'client went away during the response');
    } else {
      logger.error({ err, reqId }, 'response failed');
    }
  });

  // 1. Request id, request log line, security headers: first, so that every response has
  //    them (the error handler below keeps them; it only sets status, body and its headers).
  app.use(async (ctx, next) => {
    const id = requestId(ctx.get('x-request-id') || undefined);
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    logRequest(logger, ctx.req, ctx.res, id);
    ctx.set(securityHeaders(security, ctx.headers, runtime.mediaOrigins));
    await next();
  });

  // 2. One error handler, upstream of everything else: JSON errors everywhere, the HTML page
  //    for the form's route.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const { status, body, headers } = toErrorResponse(err, { debug: config.divio.debug });
      if (status >= 500) logger.error({ err, reqId: ctx.state.requestId }, 'request failed');
      if (ctx.headerSent || !ctx.writable) return;
      ctx.status = status;
      ctx.set(headers);
      if (ctx.state.htmlErrors) {
        ctx.type = 'html';
        ctx.body = await errorPage(runtime, body.error.message);
      } else {
        ctx.body = body;
      }
    }
  });

  // 3. A path that is not valid percent-encoding: 400 before any router sees it. Then the
  //    host check and the HTTPS redirect (so Location never names a foreign host). Both
  //    exempt the health endpoints: the platform probes them by IP and over plain HTTP.
  //    The raw Host header, never X-Forwarded-Host (which `proxy` would make ctx.host use).
  app.use(async (ctx, next) => {
    const malformed = checkUrl(ctx.url);
    if (malformed) throw malformed;
    const refused = checkHost(security, ctx.req.headers.host, ctx.path);
    if (refused) throw refused;
    const redirect = sslRedirect(security, ctx.req);
    if (redirect) send(ctx, redirect);
    else await next();
  });

  // 4. The routes, matched exactly (case and trailing slash count). @koa/router answers
  //    HEAD for every GET route.
  const router = new Router<AppState>({ strict: true, sensitive: true });

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const result = await runtime.readiness();
    ctx.status = result.status === 'ok' ? 200 : 503;
    ctx.body = result;
  });

  // Static assets (long cache: pages link them with a content hash); ctx.path is still
  // percent-encoded, as staticReply takes it. The file backend's own media URLs, /media/<key>.
  router.get('/static/*path', async (ctx) => {
    send(ctx, await staticReply(ctx.req, ctx.path.slice('/static/'.length)));
  });
  if (fileMedia) {
    router.get('/media/*key', async (ctx) => {
      send(ctx, contentReply(await media.contentByKey(ctx.params.key ?? ''), ctx));
    });
  }

  router.get('/', async (ctx) => {
    ctx.type = 'html';
    ctx.body = await indexPage(runtime);
  });

  // Uploads stream straight from the request (Koa parses no body itself) to storage.
  const upload = (ctx: AppContext) =>
    receiveFile(ctx.req, { maxBytes: config.maxUploadBytes }, (file) =>
      media.upload({
        stream: file.stream,
        filename: file.filename,
        contentType: file.mimeType,
        limit: config.maxUploadBytes,
      }),
    );

  router.post('/upload', async (ctx) => {
    ctx.state.htmlErrors = true;
    await upload(ctx);
    ctx.body = null;
    ctx.status = 303;
    ctx.set('Location', '/');
  });

  router.get('/api/info', (ctx) => {
    ctx.body = runtime.info;
  });

  router.get('/api/media', async (ctx) => {
    const { limit, cursor } = ctx.query;
    ctx.body = await media.list(parsePageQuery({ limit, cursor }));
  });

  router.post('/api/media', async (ctx) => {
    const item = await upload(ctx);
    ctx.status = 201;
    ctx.set('Location', `/api/media/${item.id}`);
    ctx.body = item;
  });

  router.get('/api/media/:id', async (ctx) => {
    ctx.body = await media.get(ctx.params.id ?? '');
  });

  router.delete('/api/media/:id', async (ctx) => {
    await media.delete(ctx.params.id ?? '');
    ctx.status = 204;
  });

  router.get('/api/media/:id/content', async (ctx) => {
    send(ctx, contentReply(await media.content(ctx.params.id ?? ''), ctx));
  });

  // 5. Nothing answered: a known path with another method (OPTIONS too) is 405 with
  //    `Allow`, anything else 404 (app-core's table of the contract's paths). @koa/router's
  //    allowedMethods() would answer OPTIONS itself with 200, so this fallback does it.
  app.use(router.routes());
  app.use((ctx) => {
    throw noRoute(ctx.method, ctx.path, { fileMedia });
  });

  return app;
}

/**
 * Sends a reply app-core decided (media content, a static file, a redirect): status,
 * headers, then the body stream or an explicitly empty body (Koa then sends
 * `Content-Length: 0` and no Content-Type; 304 and HEAD send the headers only). The body is
 * set first: Koa turns a null body set after the status into a 204. ctx.set, not ctx.type:
 * the headers exactly as given (ctx.type would add a charset to text/*).
 */
function send(ctx: Context, reply: Reply): void {
  if (!reply.body) ctx.body = null;
  ctx.status = reply.status;
  ctx.set(reply.headers);
  // Koa pipes the stream and destroys it when the response ends or the client goes away.
  if (reply.body) ctx.body = reply.body;
}
