// The custom server's request pipeline: every request passes here before Next.js sees it,
// in the order of the other apps' middleware (compare apps/express/src/app.ts), each rule
// one call into app-core. Next only renders what the contract's route table says it
// answers (the page and the route handlers under src/app); everything else is decided
// here, including what Next's own `proxy.ts` (formerly middleware) could not do: it runs
// after Next's trailing-slash redirect and its own answer to a malformed URL, copies
// (and truncates) the request body, and never sees the response's status for the log line.

import type { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import {
  checkHost,
  checkUrl,
  contentReply,
  HttpError,
  indexPageModel,
  logRequest,
  noRoute,
  type PageModel,
  pathOf,
  type Reply,
  type Runtime,
  requestId,
  routeMethods,
  securityHeaders,
  sslRedirect,
  staticReply,
  toErrorResponse,
} from '@divio-samples/app-core';
import { DECLARED_LENGTH, type NextServer } from './bridge.ts';

/** Next's own built assets (hashed file names): `/_next/static/<file>` from `.next/static`. */
const NEXT_STATIC = '/_next/static/';

export function createRequestListener(
  runtime: Runtime,
  next: NextServer,
  page: AsyncLocalStorage<PageModel>,
): RequestListener {
  const { config, media, logger } = runtime;
  const { security } = config.divio;
  const fileMedia = runtime.storage.backend === 'file';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = requestPath(req.url);
    const read = method === 'GET' || method === 'HEAD';

    // 1. Request id, request log line, security headers: first, so that every response has
    //    them (headers set here stay on whatever Next answers). The page carries Next's
    //    scripts: its CSP allows them by a nonce, which Next reads from the request's
    //    Content-Security-Policy header and puts on every script it writes. The route
    //    handlers see the request id as X-Request-Id. Then a path that is not valid
    //    percent-encoding is a 400 before anything routes it.
    const id = requestId(req.headers['x-request-id']);
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    logRequest(logger, req, res, id);
    const nonce = path === '/' && read ? randomBytes(16).toString('base64') : undefined;
    const headers = securityHeaders(security, req.headers, runtime.mediaOrigins, {
      ...(nonce ? { scriptNonce: nonce } : {}),
    });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (nonce) req.headers['content-security-policy'] = headers['Content-Security-Policy'];
    else delete req.headers['content-security-policy'];
    fail(checkUrl(req.url));

    // 2. Health endpoints: before the host check and the HTTPS redirect (probes use the IP).
    if (read && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (read && path === '/readyz') {
      const result = await runtime.readiness();
      return json(res, result.status === 'ok' ? 200 : 503, result);
    }

    // 3. Host check, then the HTTPS redirect (so Location never names a foreign host).
    fail(checkHost(security, req.headers.host, path));
    const redirect = sslRedirect(security, req);
    if (redirect) return send(res, redirect);

    // 4. Static assets: the contract's stylesheet and icon (app-core's build), Next's own
    //    hashed chunks; the file backend's media URLs, `/media/<key>`.
    if (path.startsWith('/static/') && read) {
      return send(res, await staticReply(req, path.slice('/static/'.length)));
    }
    if (path.startsWith(NEXT_STATIC)) {
      if (!read) throw methodNotAllowed();
      return send(res, await staticReply(req, path.slice(NEXT_STATIC.length), next.staticDir));
    }
    if (fileMedia && path.startsWith('/media/') && read) {
      const key = decodeURIComponent(path.slice('/media/'.length));
      return send(res, contentReply(await media.contentByKey(key), req));
    }

    // 5. The page and the JSON API: Next's page and route handlers, for exactly the paths
    //    and methods the contract's table lists. The page's data is loaded here, so a
    //    failing database is the same JSON error as in every app; React renders the model.
    if (routeMethods(path, { fileMedia }).includes(method)) {
      req.url = forNext(path, req.url);
      keepDeclaredLength(res);
      if (path !== '/') return next.handle(req, res);
      const model = await indexPageModel(runtime);
      // Next marks the page uncacheable; the other apps send no Cache-Control for it (and
      // it has no validators, so no cache stores it): the same answer here.
      ignoreHeader(res, 'cache-control');
      return page.run(model, () => next.handle(req, res));
    }

    // 6. Nothing answered: a known path with another method is 405 with `Allow`, anything
    //    else 404 (app-core's table of the contract's paths).
    throw noRoute(method, path, { fileMedia });
  }

  // 7. One error handler: the JSON error shape (the form's HTML errors are its route's own).
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const { status, body, headers } = toErrorResponse(err, { debug: config.divio.debug });
      if (status >= 500)
        logger.error({ err, reqId: req.headers['x-request-id'] }, 'request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      json(res, status, body);
    });
  };
}

/**
 * The path of a request target, as every other app's router reads it: origin form
 * (`/api/info?x`) or absolute form (`http://host/api/info`, whose host is not the Host
 * header and is ignored), without query or fragment, still percent-encoded.
 */
function requestPath(url: string | undefined): string {
  const target = (url ?? '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return pathOf(target.split('#', 1)[0] || '/');
}

/**
 * The request target Next routes: `path` and the query in origin form. A segment that
 * decodes to `.` or `..` keeps its dots as data (encoded once more): Next reads the URL by
 * WHATWG rules, which would resolve `/api/media/%2e%2e` to `/api/` and route it elsewhere;
 * here it is an id like any other, one that names no media.
 */
function forNext(path: string, url: string | undefined): string {
  const query = /\?[^#]*/.exec(url ?? '')?.[0] ?? '';
  const segments = path
    .split('/')
    .map((segment) =>
      /^\.{1,2}$/.test(decodeURIComponent(segment))
        ? segment.replace(/\.|%2e/gi, '%252E')
        : segment,
    );
  return `${segments.join('/')}${query}`;
}

/** Drops what Next sets for `name` on this response (the pipeline's own value stays). */
function ignoreHeader(res: ServerResponse, name: string): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (header: string, value: number | string | readonly string[]) =>
    header.toLowerCase() === name ? res : setHeader(header, value);
}

/**
 * The length a route handler declared (`DECLARED_LENGTH`, see src/bridge.ts) becomes the
 * response's `Content-Length` as Next copies the Response's headers onto Node's response.
 */
function keepDeclaredLength(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) =>
    setHeader(name.toLowerCase() === DECLARED_LENGTH ? 'Content-Length' : name, value);
}

function fail(error: HttpError | undefined): void {
  if (error) throw error;
}

function methodNotAllowed(): HttpError {
  return new HttpError(405, 'method_not_allowed', 'Method not allowed', {
    headers: { Allow: 'GET, HEAD' },
  });
}

/** A JSON answer, as every app sends it: `application/json; charset=utf-8` with its length. */
function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends a reply app-core decided (media content, a static file, a redirect). */
function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (!reply.body) {
    res.end();
    return;
  }
  // pipeline, not pipe: when the client goes away first, the file stream is closed at once.
  pipeline(reply.body, res, () => {});
}
