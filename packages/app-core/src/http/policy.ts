// The HTTP rules every app applies before its routes, as pure functions: the URL check,
// the host check, the HTTPS redirect, the security headers and the request id. Each framework calls these
// from its own middleware, so the behaviour is identical whatever the framework.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SecurityConfig, StorageConfig } from '@divio-samples/divio-env';
import { HttpError } from './errors.js';
import { type Reply, redirectReply } from './reply.js';

/** The path of a request URL, without the query string (it may hold tokens). */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0];
  return path === undefined || path === '' ? '/' : path;
}

/** The platform probes these by IP address and over plain HTTP: no host check, no redirect. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

export function isHealthPath(path: string): boolean {
  return HEALTH_PATHS.has(path);
}

/** `400 bad_host` when the Host header is not one of DOMAIN / DOMAIN_ALIASES / DOMAIN_REDIRECTS. */
export function checkHost(
  security: Pick<SecurityConfig, 'isAllowedHost'>,
  host: string | undefined,
  path: string,
): HttpError | undefined {
  if (isHealthPath(path) || security.isAllowedHost(host)) return undefined;
  return new HttpError(400, 'bad_host', 'This host is not served here');
}

/**
 * The protocol the platform's proxy says the client used, lower case: the LAST value of
 * X-Forwarded-Proto (several header lines count as their values joined with ", ", which is
 * how Node joins them). A proxy appends its own value, so earlier ones came from the client
 * or from proxies in front of the platform's. `undefined` when the header is absent (the
 * request did not come through the proxy: probes, calls from inside the platform) or when
 * the proxy is not trusted (TRUST_PROXY=false).
 */
export function forwardedProto(
  security: Pick<SecurityConfig, 'trustProxy'>,
  headers: IncomingHttpHeaders,
): string | undefined {
  if (!security.trustProxy) return undefined;
  const header = headers['x-forwarded-proto'];
  if (header === undefined) return undefined;
  const joined = Array.isArray(header) ? header.join(', ') : header;
  return (joined.split(',').pop() ?? '').trim().toLowerCase();
}

/** The request came over HTTPS, as the platform's proxy says (`forwardedProto`). */
export function isHttps(
  security: Pick<SecurityConfig, 'trustProxy'>,
  headers: IncomingHttpHeaders,
): boolean {
  return forwardedProto(security, headers) === 'https';
}

/** What the redirect needs of Node's IncomingMessage (`req`, `ctx.req`, `request.raw`). */
export interface RedirectRequest {
  method?: string | undefined;
  /** Path and query as received. */
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * The HTTPS redirect, when SECURE_SSL_REDIRECT is on and the proxy says the request came
 * over something other than HTTPS (`forwardedProto` present and not `https`): `301` for
 * GET/HEAD, `308` for other methods (it keeps the method and the body) to
 * `https://<host><url>`, as an empty-bodied reply. A request without X-Forwarded-Proto is
 * not redirected (it did not come through the proxy). Call it after `checkHost`, so the
 * Location never points at a host the app does not serve.
 */
export function sslRedirect(
  security: Pick<SecurityConfig, 'sslRedirect' | 'trustProxy'>,
  request: RedirectRequest,
): Reply | undefined {
  if (!security.sslRedirect || isHealthPath(pathOf(request.url))) return undefined;
  const proto = forwardedProto(security, request.headers);
  const host = request.headers.host;
  if (proto === undefined || proto === 'https' || !host) return undefined;
  const url = request.url?.startsWith('/') ? request.url : `/${request.url ?? ''}`;
  const safe = request.method === 'GET' || request.method === 'HEAD';
  return redirectReply(safe ? 301 : 308, `https://${host}${url}`);
}

/**
 * `400 bad_request` ("Malformed URL") when the path of `url` is not valid percent-encoding
 * (`%`, `%zz`, `%C0%AF`: what `decodeURIComponent` refuses), else undefined. Checked once,
 * before routing, so every router sees only paths it can decode.
 */
export function checkUrl(url: string | undefined): HttpError | undefined {
  try {
    decodeURIComponent(pathOf(url));
    return undefined;
  } catch {
    return new HttpError(400, 'bad_request', 'Malformed URL');
  }
}

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers for every response, errors included. The CSP allows only the app's own
 * scripts, styles and forms; images and media also from `mediaOrigins` (the object
 * store's, for the s3 and azure backends). HSTS on HTTPS requests (`isHttps`) while
 * SECURE_SSL_REDIRECT is on. `scriptNonce`: a page whose framework writes inline scripts
 * of its own (Next.js's) allows those by a fresh per-response nonce (`script-src 'self'
 * 'nonce-...'`), which allows nothing an attacker could inject.
 */
export function securityHeaders(
  security: Pick<SecurityConfig, 'sslRedirect' | 'trustProxy'>,
  headers: IncomingHttpHeaders,
  mediaOrigins: readonly string[] = [],
  options: { scriptNonce?: string } = {},
): Record<string, string> {
  const result: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': contentSecurityPolicy(mediaOrigins, options.scriptNonce),
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (security.sslRedirect && isHttps(security, headers)) {
    result['Strict-Transport-Security'] = HSTS;
  }
  return result;
}

// The policy without a nonce is the same for every response of a process (the origins come
// from the configuration): built once per origins list, not per request.
const cspByOrigins = new WeakMap<readonly string[], string>();

function contentSecurityPolicy(mediaOrigins: readonly string[], scriptNonce?: string): string {
  if (scriptNonce === undefined) {
    let csp = cspByOrigins.get(mediaOrigins);
    if (csp === undefined) {
      csp = buildCsp(mediaOrigins);
      cspByOrigins.set(mediaOrigins, csp);
    }
    return csp;
  }
  return buildCsp(mediaOrigins, scriptNonce);
}

function buildCsp(mediaOrigins: readonly string[], scriptNonce?: string): string {
  const media = ["'self'", 'data:', ...mediaOrigins].join(' ');
  return [
    "default-src 'self'",
    ...(scriptNonce ? [`script-src 'self' 'nonce-${scriptNonce}'`] : []),
    `img-src ${media}`,
    `media-src ${media}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of an absolute http(s) URL, or undefined for a path such as `/media/`. */
function originOf(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The object store's origins, for the CSP's img-src and media-src: where the content
 * redirect of the s3 and azure backends points. None for the file backend (same origin).
 */
export function mediaOrigins(storage: StorageConfig): string[] {
  if (storage.backend === 'file') return [];
  const origins = new Set<string>();
  for (const url of [storage.publicBaseUrl, storage.endpoint]) {
    const origin = originOf(url);
    if (origin) origins.add(origin);
  }
  if (storage.backend === 's3') {
    // Virtual-hosted addressing puts the bucket in the host of signed URLs.
    const endpoint = originOf(storage.endpoint);
    if (endpoint && !storage.forcePathStyle) {
      const url = new URL(endpoint);
      origins.add(`${url.protocol}//${storage.bucket}.${url.host}`);
    }
  }
  return [...origins];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Keeps a well-formed incoming `X-Request-Id` (1-128 of `[A-Za-z0-9._-]`), else a new UUID. */
export function requestId(incoming: string | readonly string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : randomUUID();
}
