// The Express app: app-core's runtime wired into Express 5 middleware and routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Express.
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
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
} from 'express';

type Route = readonly [path: string, methods: readonly string[]];

/** Routes and the methods they answer; other methods get 405 with an `Allow` header. */
const ROUTES: readonly Route[] = [
  ['/static/*path', ['GET', 'HEAD']],
  ['/', ['GET', 'HEAD']],
  ['/upload', ['POST']],
  ['/healthz', ['GET', 'HEAD']],
  ['/readyz', ['GET', 'HEAD']],
  ['/api/info', ['GET', 'HEAD']],
  ['/api/media', ['GET', 'HEAD', 'POST']],
  ['/api/media/:id', ['GET', 'HEAD', 'DELETE']],
  ['/api/media/:id/content', ['GET', 'HEAD']],
];
/** Served by the file backend only. */
const FILE_MEDIA_ROUTE: Route = ['/media/*key', ['GET', 'HEAD']];

export function createApp(runtime: Runtime): express.Express {
  const { config, media, logger } = runtime;
  const { security } = config.divio;
  const app = express();

  app.disable('x-powered-by');
  // Express computes req.protocol / req.ip from X-Forwarded-* only when told to trust them:
  // on Divio the platform's proxy sets them and the app is reachable only through it.
  app.set('trust proxy', security.trustProxy);
  app.set('etag', false);

  // 1. Request id, request log line, security headers: first, so that every response has them.
  app.use((req, res, next) => {
    const id = requestId(req.headers['x-request-id']);
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    logRequest(logger, req, res, id);
    res.set(
      securityHeaders({
        https: req.protocol === 'https',
        hsts: security.sslRedirect,
        mediaOrigins: runtime.mediaOrigins,
      }),
    );
    next();
  });

  // 2. Health endpoints: before the host check and the HTTPS redirect (probes use the IP).
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const result = await runtime.readiness();
    res.status(result.status === 'ok' ? 200 : 503).json(result);
  });

  // 3. Host check, then the HTTPS redirect (so Location never names a foreign host).
  app.use((req, _res, next) => {
    next(checkHost(security, req.headers.host, req.path));
  });
  app.use((req, res, next) => {
    const redirect = sslRedirect(security, {
      proto: req.protocol,
      host: req.headers.host,
      url: req.originalUrl,
      method: req.method,
      path: req.path,
    });
    if (!redirect) return next();
    res.set(closeIfBodyUnread(req, redirect.status));
    res.redirect(redirect.status, redirect.location);
  });

  // 4. Static assets (long cache: pages link them with a content hash).
  app.use(
    '/static',
    express.static(staticDir, {
      index: false,
      dotfiles: 'ignore',
      redirect: false,
      setHeaders: (res) => res.setHeader('Cache-Control', STATIC_CACHE_CONTROL),
    }),
  );

  // 5. Local media files: only the file backend serves `/media/<key>` itself.
  if (runtime.storage.backend === 'file') {
    app.get('/media/*key', async (req, res) => {
      const key = ([] as string[]).concat(req.params.key ?? []).join('/');
      send(res, contentReply(await media.contentByKey(key), req));
    });
  }

  // 6. Pages and the JSON API.
  app.get('/', async (_req, res) => {
    res.type('html').send(await indexPage(runtime));
  });

  const upload = (req: Request) =>
    receiveFile(req, { maxBytes: config.maxUploadBytes }, (file) =>
      media.upload({
        stream: file.stream,
        filename: file.filename,
        contentType: file.mimeType,
        limit: config.maxUploadBytes,
      }),
    );

  app.post('/upload', async (req, res, next) => {
    try {
      await upload(req);
      res.redirect(303, '/');
    } catch (err) {
      next(new HtmlPageError(err));
    }
  });

  app.get('/api/info', (_req, res) => {
    res.json(runtime.info);
  });

  app.get('/api/media', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await media.list(parsePageQuery({ limit: query.limit, cursor: query.cursor })));
  });

  app.post('/api/media', async (req, res) => {
    const item = await upload(req);
    res.status(201).location(`/api/media/${item.id}`).json(item);
  });

  app.get('/api/media/:id', async (req, res) => {
    res.json(await media.get(req.params.id));
  });

  app.delete('/api/media/:id', async (req, res) => {
    await media.delete(req.params.id);
    res.status(204).end();
  });

  app.get('/api/media/:id/content', async (req, res) => {
    send(res, contentReply(await media.content(req.params.id), req));
  });

  // 7. Known paths with another method (OPTIONS too): 405; anything else: 404. Both as JSON.
  const routes = runtime.storage.backend === 'file' ? [...ROUTES, FILE_MEDIA_ROUTE] : ROUTES;
  for (const [path, methods] of routes) {
    // A method the path answers arrives here only when nothing was found (a missing asset).
    app.all(path, (req, _res, next) => {
      if (methods.includes(req.method)) next();
      else throw methodNotAllowed(methods);
    });
  }
  app.use(() => {
    throw notFound();
  });

  // 8. One error handler: JSON errors everywhere, the HTML page for the form's route.
  const onError: ErrorRequestHandler = async (err, req, res, _next: NextFunction) => {
    const htmlError = err instanceof HtmlPageError;
    const cause = htmlError ? err.cause : err;
    const { status, body, headers } = toErrorResponse(cause, { debug: config.divio.debug });
    if (status >= 500) logger.error({ err: cause, reqId: res.locals.requestId }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).set({ ...headers, ...closeIfBodyUnread(req, status) });
    if (htmlError) res.type('html').send(await errorPage(runtime, body.error.message));
    else res.json(body);
  };
  app.use(onError);

  return app;
}

/** Marks an error to be shown on the HTML page instead of as JSON (the form's route). */
class HtmlPageError extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super('html page error');
    this.cause = cause;
  }
}

/** Sends app-core's reply for media content: the redirect, or status, headers and stream. */
function send(res: Response, reply: ContentReply): void {
  if (reply.kind === 'redirect') {
    res.set(reply.headers).redirect(reply.status, reply.location);
    return;
  }
  res.status(reply.status);
  // setHeader, not res.set: exactly the stored type (res.set adds a charset to text/*).
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (!reply.body) {
    res.end();
    return;
  }
  reply.body.on('error', (err) => res.destroy(err));
  reply.body.pipe(res);
}
