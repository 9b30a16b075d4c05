// The Koa app: app-core's runtime wired into Koa 3 middleware and @koa/router routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Koa.
import {
  checkHost,
  contentHeaders,
  HttpError,
  isNotModified,
  logRequest,
  type MediaContent,
  notFound,
  parsePageQuery,
  REDIRECT_CACHE_CONTROL,
  type Runtime,
  receiveFile,
  renderIndexPage,
  requestId,
  STATIC_CACHE_CONTROL,
  securityHeaders,
  sslRedirect,
  staticDir,
  toErrorResponse,
} from '@divio-samples/app-core';
import Router from '@koa/router';
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

const INDEX_PAGE_SIZE = 50;

export function createApp(runtime: Runtime): Koa<AppState> {
  const { config, media, logger, shutdownState } = runtime;
  const { security } = config.divio;
  // `proxy`: ctx.protocol and ctx.ip come from X-Forwarded-Proto / X-Forwarded-For. On Divio
  // the platform's proxy sets them and the app is reachable only through it.
  const app = new Koa<AppState>({ proxy: security.trustProxy });
  const pageOptions = { framework: 'Koa', maxUploadBytes: config.maxUploadBytes };

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
    // While shutting down, tell keep-alive clients to reconnect (to another instance).
    if (shutdownState.shuttingDown) ctx.set('Connection', 'close');
    await next();
  });

  // 2. One error handler, upstream of everything else: JSON errors everywhere, the HTML page
  //    for the form's route. Also turns "nothing answered" into 404 / 405 errors.
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.body == null) unanswered(ctx);
      sortAllow(ctx);
    } catch (err) {
      const { status, body, headers } = toErrorResponse(err, { debug: config.divio.debug });
      if (status >= 500) logger.error({ err, reqId: ctx.state.requestId }, 'request failed');
      if (ctx.headerSent || !ctx.writable) return;
      ctx.set(headers);
      if (status === 413 || (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !ctx.req.complete)) {
        // The client may still be sending; don't make it wait for us to drain the rest.
        ctx.set('Connection', 'close');
      }
      ctx.status = status;
      if (ctx.state.htmlErrors) {
        let items: Awaited<ReturnType<typeof media.list>>['items'] = [];
        try {
          items = (await media.list({ limit: INDEX_PAGE_SIZE })).items;
        } catch {
          // The page still renders the error when the list is unavailable.
        }
        ctx.type = 'html';
        ctx.body = renderIndexPage({ items, error: body.error.message, ...pageOptions });
        return;
      }
      ctx.body = body;
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
    // Don't read a body we won't use; close the connection instead of draining it.
    if (ctx.get('content-length') !== '0' && ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Connection', 'close');
    }
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
      sendContent(ctx, await media.contentByKey(ctx.params.key ?? ''));
    });
  }

  router.get('/', async (ctx) => {
    const page = await media.list({ limit: INDEX_PAGE_SIZE });
    ctx.type = 'html';
    ctx.body = renderIndexPage({ items: page.items, ...pageOptions });
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
    sendContent(ctx, await media.content(ctx.params.id ?? ''));
  });

  // allowedMethods: a known path with another method gets 405 and an `Allow` header (turned
  // into the JSON error above); OPTIONS gets 200 with `Allow`.
  app.use(router.routes());
  app.use(router.allowedMethods());

  return app;
}

/**
 * Nothing set a body: no route matched the path (404), or @koa/router's allowedMethods
 * answered 405/501 for a known path with another method. Throws the matching JSON error;
 * a response without a body on purpose (204, 304, a redirect, OPTIONS) passes.
 */
function unanswered(ctx: AppContext): void {
  const { status } = ctx;
  if (status !== 404 && status !== 405 && status !== 501) return;
  const allow = ctx.response.get('Allow');
  ctx.remove('Allow');
  if (status === 404 || !allow) throw notFound();
  throw new HttpError(405, 'method_not_allowed', 'Method not allowed', {
    headers: { Allow: sortMethods(allow) },
  });
}

/** The same `Allow` in every app: the methods in alphabetical order. */
function sortMethods(allow: string): string {
  return allow
    .split(',')
    .map((method) => method.trim())
    .filter((method) => method !== '')
    .sort()
    .join(', ');
}

/** @koa/router lists methods in registration order (HEAD first): sort them (OPTIONS). */
function sortAllow(ctx: AppContext): void {
  const allow = ctx.response.get('Allow');
  if (allow) ctx.set('Allow', sortMethods(allow));
}

function isClientError(err: unknown): boolean {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Sends a media item's content: a redirect to the object store, or the file itself. */
function sendContent(ctx: AppContext, content: MediaContent): void {
  if (content.kind === 'redirect') {
    ctx.set('Cache-Control', REDIRECT_CACHE_CONTROL);
    ctx.status = 302;
    ctx.redirect(content.location);
    return;
  }
  // ctx.set, not ctx.type: exactly the stored type (ctx.type would add a charset to text/*).
  ctx.set(contentHeaders(content));
  ctx.status = 200;
  if (ctx.method === 'HEAD' || isNotModified(ctx.get('If-None-Match') || undefined, content.etag)) {
    // HEAD: Koa sends only the headers; 304: Koa drops the body and its headers itself.
    content.stream.destroy();
    if (ctx.method !== 'HEAD') ctx.status = 304;
    return;
  }
  // Koa pipes the stream and destroys it when the response ends or the client goes away.
  ctx.body = content.stream;
}
