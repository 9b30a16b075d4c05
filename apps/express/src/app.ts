// The Express app: app-core's runtime wired into Express 5 middleware and routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Express.
import {
  checkHost,
  contentHeaders,
  HttpError,
  isNotModified,
  logRequest,
  type MediaContent,
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
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
} from 'express';

/** Routes and the methods they answer; other methods get 405 with an `Allow` header. */
const ROUTES: ReadonlyArray<readonly [path: string, methods: readonly string[]]> = [
  ['/', ['GET', 'HEAD']],
  ['/upload', ['POST']],
  ['/healthz', ['GET', 'HEAD']],
  ['/readyz', ['GET', 'HEAD']],
  ['/api/info', ['GET', 'HEAD']],
  ['/api/media', ['GET', 'HEAD', 'POST']],
  ['/api/media/:id', ['GET', 'HEAD', 'DELETE']],
  ['/api/media/:id/content', ['GET', 'HEAD']],
];

const INDEX_PAGE_SIZE = 50;

export function createApp(runtime: Runtime): express.Express {
  const { config, media, logger, shutdownState } = runtime;
  const { security } = config.divio;
  const app = express();
  const pageOptions = { framework: 'Express', maxUploadBytes: config.maxUploadBytes };

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
    const headers = securityHeaders({
      https: req.protocol === 'https',
      hsts: security.sslRedirect,
      mediaOrigins: runtime.mediaOrigins,
    });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // While shutting down, tell keep-alive clients to reconnect (to another instance).
    if (shutdownState.shuttingDown) res.setHeader('Connection', 'close');
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
    // Don't read a body we won't use; close the connection instead of draining it.
    if (req.headers['content-length'] !== '0' && req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Connection', 'close');
    }
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
      sendContent(req, res, await media.contentByKey(key));
    });
  }

  // 6. Pages and the JSON API.
  app.get('/', async (_req, res) => {
    const page = await media.list({ limit: INDEX_PAGE_SIZE });
    res.type('html').send(renderIndexPage({ items: page.items, ...pageOptions }));
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
    sendContent(req, res, await media.content(req.params.id));
  });

  // 7. Known paths with another method: 405; anything else: 404. Both as JSON.
  for (const [path, methods] of ROUTES) {
    app.all(path, () => {
      throw new HttpError(405, 'method_not_allowed', 'Method not allowed', {
        headers: { Allow: methods.join(', ') },
      });
    });
  }
  app.use(() => {
    throw new HttpError(404, 'not_found', 'Not found');
  });

  // 8. One error handler: JSON errors everywhere, the HTML page for the form's route.
  const onError: ErrorRequestHandler = async (err, req, res, _next: NextFunction) => {
    const debug = config.divio.debug;
    const htmlError = err instanceof HtmlPageError;
    const cause = htmlError ? err.cause : err;
    const { status, body, headers } = toErrorResponse(cause, { debug });
    if (status >= 500) logger.error({ err: cause, reqId: res.locals.requestId }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (status === 413 || (req.method !== 'GET' && req.method !== 'HEAD' && !req.complete)) {
      // The client may still be sending; don't make it wait for us to drain the rest.
      res.setHeader('Connection', 'close');
    }
    if (htmlError) {
      let items: Awaited<ReturnType<typeof media.list>>['items'] = [];
      try {
        items = (await media.list({ limit: INDEX_PAGE_SIZE })).items;
      } catch {
        // The page still renders the error when the list is unavailable.
      }
      res
        .status(status)
        .type('html')
        .send(renderIndexPage({ items, error: body.error.message, ...pageOptions }));
      return;
    }
    res.status(status).json(body);
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

/** Sends a media item's content: a redirect to the object store, or the file itself. */
function sendContent(req: Request, res: Response, content: MediaContent): void {
  if (content.kind === 'redirect') {
    res.setHeader('Cache-Control', REDIRECT_CACHE_CONTROL);
    res.redirect(302, content.location);
    return;
  }
  res.set(contentHeaders(content));
  const ifNoneMatch = req.headers['if-none-match'];
  if (req.method === 'HEAD' || isNotModified(ifNoneMatch, content.etag)) {
    content.stream.destroy();
    if (req.method !== 'HEAD') res.status(304).removeHeader('Content-Length');
    res.end();
    return;
  }
  content.stream.on('error', (err) => res.destroy(err));
  content.stream.pipe(res);
}
