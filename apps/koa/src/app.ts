// The Koa app: app-core's runtime wired into Koa 3 middleware and @koa/router routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Koa.
import {
  type ContentReply,
  checkHost,
  closeIfBodyUnread,
  contentReply,
  errorPage,
  indexPage,
  logRequest,
  methodNotAllowed,
  notFound,
  parsePageQuery,
  type Runtime,
  receiveFile,
  requestId,
  STATIC_CACHE_CONTROL,
  securityHeaders,
  sslRedirect,
  staticDir,
  toErrorResponse,
} from '@divio-samples/app-core';
import Router, { type RouterContext } from '@koa/router';
import { send } from '@koa/send';
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
  // `proxy`: ctx.protocol and ctx.ip come from X-Forwarded-Proto / X-Forwarded-For. On Divio
  // the platform's proxy sets them and the app is reachable only through it.
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
    ctx.set(
      securityHeaders({
        https: ctx.protocol === 'https',
        hsts: security.sslRedirect,
        mediaOrigins: runtime.mediaOrigins,
      }),
    );
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
      ctx.set({ ...headers, ...closeIfBodyUnread(ctx.req, status) });
      if (ctx.state.htmlErrors) {
        ctx.type = 'html';
        ctx.body = await errorPage(runtime, body.error.message);
      } else {
        ctx.body = body;
      }
    }
  });

  // 3. Host check, then the HTTPS redirect (so Location never names a foreign host). Both
  //    exempt the health endpoints: the platform probes them by IP and over plain HTTP.
  //    The raw Host header, never X-Forwarded-Host (which `proxy` would make ctx.host use).
  app.use(async (ctx, next) => {
    const refused = checkHost(security, ctx.req.headers.host, ctx.path);
    if (refused) throw refused;
    const redirect = sslRedirect(security, {
      proto: ctx.protocol,
      host: ctx.req.headers.host,
      url: ctx.originalUrl,
      method: ctx.method,
      path: ctx.path,
    });
    if (!redirect) return next();
    ctx.set(closeIfBodyUnread(ctx.req, redirect.status));
    ctx.status = redirect.status;
    ctx.redirect(redirect.location);
  });

  // 4. The routes. @koa/router answers HEAD for every GET route.
  const router = new Router<AppState>();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const result = await runtime.readiness();
    ctx.status = result.status === 'ok' ? 200 : 503;
    ctx.body = result;
  });

  // Static assets (long cache: pages link them with a content hash). ctx.path is still
  // percent-encoded; send() decodes it once and refuses traversal and dotfiles.
  router.get('/static/*path', async (ctx) => {
    let served: string | undefined;
    try {
      served = await send(ctx, ctx.path.slice('/static/'.length), {
        root: staticDir,
        index: false,
        hidden: false,
        brotli: false,
        gzip: false,
        setHeaders: (res) => res.setHeader('Cache-Control', STATIC_CACHE_CONTROL),
      });
    } catch (err) {
      // 400 (bad encoding), 403 (traversal), 404: all "no such asset" to the client, and
      // never send()'s own message (it names the file system path).
      if (isClientError(err)) throw notFound();
      throw err;
    }
    if (served === undefined) throw notFound();
  });

  // Local media files: only the file backend serves `/media/<key>` itself.
  if (runtime.storage.backend === 'file') {
    router.get('/media/*key', async (ctx) => {
      sendContent(ctx, contentReply(await media.contentByKey(ctx.params.key ?? ''), ctx));
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
    ctx.status = 303;
    ctx.redirect('/');
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
    sendContent(ctx, contentReply(await media.content(ctx.params.id ?? ''), ctx));
  });

  // 5. Nothing matched the method: a known path with another method (OPTIONS too) is 405
  //    with the path's methods in `Allow`; an unknown path is 404. @koa/router's
  //    allowedMethods() would answer OPTIONS itself with 200, so this small fallback does it.
  app.use(router.routes());
  app.use((ctx: RouterContext<AppState>) => {
    const methods = (ctx.matched ?? []).flatMap((layer) => layer.methods);
    throw methods.length > 0 ? methodNotAllowed(methods) : notFound();
  });

  return app;
}

function isClientError(err: unknown): boolean {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Sends app-core's reply for media content: the redirect, or status, headers and stream. */
function sendContent(ctx: AppContext, reply: ContentReply): void {
  if (reply.kind === 'redirect') {
    ctx.set(reply.headers);
    ctx.status = reply.status;
    ctx.redirect(reply.location);
    return;
  }
  // Status first: Koa drops the body headers of a 304 when it is set. ctx.set, not ctx.type:
  // exactly the stored type (ctx.type would add a charset to text/*).
  ctx.status = reply.status;
  ctx.set(reply.headers);
  // Koa pipes the stream and destroys it when the response ends or the client goes away;
  // HEAD and 304 have none (Koa sends the headers only).
  if (reply.body) ctx.body = reply.body;
}
