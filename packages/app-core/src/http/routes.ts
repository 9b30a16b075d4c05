// The contract's paths and their methods, once for every app: the answer when the app's
// router found nothing for a request is `405` with `Allow` on a known path and `404`
// elsewhere, the same whichever router (and whichever edge case of its patterns) is in use.
import { type HttpError, methodNotAllowed, notFound } from './errors.js';

/** A path pattern: literal segments, `:param` (one non-empty segment), `*` (the non-empty rest). */
type Route = readonly [pattern: string, methods: readonly string[]];

const ROUTES: readonly Route[] = [
  ['/', ['GET', 'HEAD']],
  ['/upload', ['POST']],
  ['/healthz', ['GET', 'HEAD']],
  ['/readyz', ['GET', 'HEAD']],
  ['/api/info', ['GET', 'HEAD']],
  ['/api/media', ['GET', 'HEAD', 'POST']],
  ['/api/media/:id', ['DELETE', 'GET', 'HEAD']],
  ['/api/media/:id/content', ['GET', 'HEAD']],
  ['/static/*', ['GET', 'HEAD']],
];

/** Served by the file backend only (its public base URL is `/media/`). */
const FILE_MEDIA_ROUTE: Route = ['/media/*', ['GET', 'HEAD']];

function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i];
    if (segment === '*') return got.slice(i).join('/') !== '';
    if (i >= got.length) return false;
    if (segment?.startsWith(':')) {
      if (got[i] === '') return false;
    } else if (segment !== got[i]) return false;
  }
  return want.length === got.length;
}

/** The methods the app answers on `path` (percent-encoded, no query), or none. */
export function routeMethods(path: string, options: { fileMedia: boolean }): readonly string[] {
  const routes = options.fileMedia ? [...ROUTES, FILE_MEDIA_ROUTE] : ROUTES;
  return routes.find(([pattern]) => matches(pattern, path))?.[1] ?? [];
}

/**
 * The error for a request the app's router did not answer: `405 method_not_allowed` with
 * `Allow` (alphabetical) when `path` is one of the contract's paths (OPTIONS and methods no
 * route has included), `404 not_found` otherwise. `fileMedia`: the file backend serves
 * `/media/<key>`.
 */
export function noRoute(
  method: string | undefined,
  path: string,
  options: { fileMedia: boolean },
): HttpError {
  const methods = routeMethods(path, options);
  return methods.length > 0 && !methods.includes(method ?? '')
    ? methodNotAllowed(methods)
    : notFound();
}
