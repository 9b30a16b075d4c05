// The Hono app: app-core's runtime wired into Hono 4 middleware and routes, on Web-standard
// Request and Response objects. Everything framework-independent (validation, storage, SQL,
// headers, error mapping, uploads, static files) lives in @divio-samples/app-core; this file
// only decides where it plugs into Hono. `server.ts` serves `app.fetch` on Node's
// http.Server through @hono/node-server.

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
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
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { validator } from 'hono/validator';
import parseurl from 'parseurl';

/** What the app's handlers see: Node's request and response (`c.env`), and per-request values. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    /** The request's id (echoed in `X-Request-Id`, on its log line). */
    requestId: string;
    /** Errors answer with the HTML page instead of JSON (the form's route). */
    htmlErrors: boolean;
  };
}

export type App = Hono<AppEnv>;
type AppContext = Context<AppEnv>;

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

export function createApp(runtime: Runtime): App {
  const { config, media, logger } = runtime;
  const { security } = config.divio;
  const fileMedia = runtime.storage.backend === 'file';

  // Routes match the path exactly as the client sent it (case, trailing slash, `..` and
  // percent-encoding count), as in every app. Hono's default would read it from the
  // Request's URL, which the WHATWG URL parser has already normalised
  // (`/api/media/../info` would be `/api/info`), and decode it.
  const app = new Hono<AppEnv>({
    getPath: (_request, options) => (options?.env ? routePath(options.env.incoming) : '/'),
  });

  // 1. Request id, request log line, security headers: first, so that every response has
  //    them (c.header() before next(): Hono adds them to whatever response follows, the
  //    notFound and onError ones included); then a path that is not valid percent-encoding
  //    is a 400 before any route sees it.
  app.use(async (c, next) => {
    const { incoming, outgoing } = c.env;
    const id = requestId(incoming.headers['x-request-id']);
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    logRequest(logger, incoming, outgoing, id);
    for (const [name, value] of Object.entries(
      securityHeaders(security, incoming.headers, runtime.mediaOrigins),
    )) {
      c.header(name, value);
    }
    const malformed = checkUrl(incoming.url);
    if (malformed) throw malformed;
    await next();
  });

  // 2. Health endpoints: before the host check and the HTTPS redirect (probes use the IP).
  app.get('/healthz', (c) => json(c, { status: 'ok' }));
  app.get('/readyz', async (c) => {
    const result = await runtime.readiness();
    return json(c, result, result.status === 'ok' ? 200 : 503);
  });

  // 3. Host check, then the HTTPS redirect (so Location never names a foreign host). The
  //    raw Host and X-Forwarded-Proto headers of Node's request: app-core decides.
  app.use(async (c, next) => {
    const { incoming } = c.env;
    const refused = checkHost(security, incoming.headers.host, c.req.path);
    if (refused) throw refused;
    const redirect = sslRedirect(security, incoming);
    if (redirect) return send(c, redirect);
    await next();
  });

  // 4. Static assets (long cache: pages link them with a content hash; the path still
  //    percent-encoded, as staticReply takes it); the file backend's own media URLs,
  //    `/media/<key>` (Hono decodes the parameter).
  app.get('/static/*', async (c) =>
    send(c, await staticReply(c.env.incoming, c.req.path.slice('/static/'.length))),
  );
  if (fileMedia) {
    app.get('/media/:key{.+}', async (c) =>
      send(c, contentReply(await media.contentByKey(c.req.param('key')), c.env.incoming)),
    );
  }

  // 5. Pages and the JSON API.
  app.get('/', async (c) => html(c, await indexPage(runtime)));

  // Uploads stream from Node's own request (never c.req.parseBody() or formData(), which
  // read the whole body into memory first) through app-core's reader to storage.
  const upload = (c: AppContext) =>
    receiveFile(c.env.incoming, { maxBytes: config.maxUploadBytes }, (file) =>
      media.upload({
        stream: file.stream,
        filename: file.filename,
        contentType: file.mimeType,
        limit: config.maxUploadBytes,
      }),
    );

  app.post('/upload', async (c) => {
    c.set('htmlErrors', true);
    await upload(c);
    return c.body(null, 303, { Location: '/', 'Content-Length': '0' });
  });

  app.get('/api/info', (c) => json(c, runtime.info));

  // The query, validated with app-core's parser (its messages are the contract's): a
  // repeated parameter arrives as an array and is refused like any other bad value.
  app.get(
    '/api/media',
    validator('query', (query) => parsePageQuery({ limit: query.limit, cursor: query.cursor })),
    async (c) => json(c, await media.list(c.req.valid('query'))),
  );

  app.post('/api/media', async (c) => {
    const item = await upload(c);
    return json(c, item, 201, { Location: `/api/media/${item.id}` });
  });

  app.get('/api/media/:id', async (c) => json(c, await media.get(c.req.param('id'))));

  app.delete('/api/media/:id', async (c) => {
    await media.delete(c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/api/media/:id/content', async (c) =>
    send(c, contentReply(await media.content(c.req.param('id')), c.env.incoming)),
  );

  // 6. Nothing answered: a known path with another method (OPTIONS too) is 405 with
  //    `Allow`, anything else 404 (app-core's table of the contract's paths). Hono itself
  //    would answer 404 for both.
  app.notFound((c) => {
    throw noRoute(c.req.method, c.req.path, { fileMedia });
  });

  // 7. One error handler: JSON errors everywhere, the HTML page for the form's route.
  app.onError(async (err, c) => {
    const { body, headers, ...error } = toErrorResponse(err, { debug: config.divio.debug });
    // An error status (4xx, 5xx) always has a body.
    const status = error.status as ContentfulStatusCode;
    if (status >= 500) logger.error({ err, reqId: c.get('requestId') }, 'request failed');
    if (c.get('htmlErrors')) {
      return html(c, await errorPage(runtime, body.error.message), status, headers);
    }
    return json(c, body, status, headers);
  });

  return app;
}

/**
 * The path Hono routes on: the request target's path as Node received it, still
 * percent-encoded, without query or fragment; for the absolute form (`GET http://host/x`)
 * its path. `parseurl` is what Express and Koa route on, so every app sees the same path.
 */
export function routePath(incoming: IncomingMessage): string {
  return parseurl(incoming)?.pathname ?? '/';
}

/**
 * A JSON or HTML body with its type and length stated, as every other app sends them
 * (Hono's c.json() names no charset). The length matters for HEAD: Hono answers it by
 * running the GET route and dropping the body, and keeps only the lengths that were stated.
 */
function text(
  c: AppContext,
  body: string,
  type: string,
  status: ContentfulStatusCode,
  headers: Record<string, string>,
): Response {
  return c.body(body, status, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(Buffer.byteLength(body)),
  });
}

function json(
  c: AppContext,
  body: unknown,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
): Response {
  return text(c, JSON.stringify(body), JSON_TYPE, status, headers);
}

function html(
  c: AppContext,
  page: string,
  status: ContentfulStatusCode = 200,
  headers: Record<string, string> = {},
): Response {
  return text(c, page, HTML_TYPE, status, headers);
}

/**
 * A reply app-core decided (media content, a static file, a redirect) as a Response: its
 * status, its headers exactly as given, and the file stream as the Web stream Hono sends
 * (node-server cancels it, which closes the file, when the client goes away).
 */
function send(c: AppContext, reply: Reply): Response {
  if (!reply.body) return c.body(null, reply.status as StatusCode, reply.headers);
  const body = Readable.toWeb(reply.body) as ReadableStream<Uint8Array>;
  return c.body(body, reply.status as ContentfulStatusCode, reply.headers);
}
