// The Express app: app-core's runtime wired into Express 5 middleware and routes.
// Everything framework-independent (validation, storage, SQL, headers, error mapping)
// lives in @divio-samples/app-core; this file only decides where it plugs into Express.

import { pipeline } from 'node:stream';
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
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';

export function createApp(runtime: Runtime): express.Express {
  const { config, media, logger } = runtime;
  const { security } = config.divio;
  const fileMedia = runtime.storage.backend === 'file';
  const app = express();

  app.disable('x-powered-by');
  app.set('etag', false);
  // Paths match exactly: `/API/INFO` and `/api/info/` are unknown paths.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  // 1. Request id, request log line, security headers: first, so that every response has
  //    them; then a path that is not valid percent-encoding is a 400 before any router sees it.
  app.use((req, res, next) => {
    const id = requestId(req.headers['x-request-id']);
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    logRequest(logger, req, res, id);
    res.set(securityHeaders(security, req.headers, runtime.mediaOrigins));
    next(checkUrl(req.url));
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
    const redirect = sslRedirect(security, req);
    if (redirect) send(res, redirect);
    else next();
  });

  // 4. Static assets (long cache: pages link them with a content hash); the file backend's
  //    own media URLs, `/media/<key>`.
  app.get('/static/*path', async (req, res) => {
    send(res, await staticReply(req, req.path.slice('/static/'.length)));
  });
  if (fileMedia) {
    app.get('/media/*key', async (req, res) => {
      const key = ([] as string[]).concat(req.params.key ?? []).join('/');
      send(res, contentReply(await media.contentByKey(key), req));
    });
  }

  // 5. Pages and the JSON API.
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
      res.status(303).location('/').end();
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

  // 6. Nothing answered: a known path with another method (OPTIONS too) is 405 with
  //    `Allow`, anything else 404 (app-core's table of the contract's paths).
  app.use((req) => {
    throw noRoute(req.method, req.path, { fileMedia });
  });

  // 7. One error handler: JSON errors everywhere, the HTML page for the form's route.
  const onError: ErrorRequestHandler = async (err, _req, res, _next) => {
    const htmlError = err instanceof HtmlPageError;
    const cause = htmlError ? err.cause : err;
    const { status, body, headers } = toErrorResponse(cause, { debug: config.divio.debug });
    if (status >= 500) logger.error({ err: cause, reqId: res.locals.requestId }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).set(headers);
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

/**
 * Sends a reply app-core decided (media content, a static file, a redirect): status,
 * headers, then the body stream or an empty body. setHeader, not res.set: the headers
 * exactly as given (res.set would add a charset to text/* types).
 */
function send(res: Response, reply: Reply): void {
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (!reply.body) {
    res.end();
    return;
  }
  // pipeline, not pipe: when the client goes away first, the file stream (and its file
  // handle) is closed at once instead of waiting for the garbage collector.
  pipeline(reply.body, res, () => {});
}
