// The HTTP rules every app applies before its routes, as pure functions: the host check,
// the HTTPS redirect, the security headers and the request id. Each framework calls these
// from its own middleware, so the behaviour is identical whatever the framework.
import { randomUUID } from 'node:crypto';
import type { SecurityConfig, StorageConfig } from '@divio-samples/divio-env';
import { HttpError } from './errors.js';

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

export interface RedirectRequest {
  /** The request's protocol as the proxy saw it (X-Forwarded-Proto when trusted), lower case. */
  proto: string;
  host: string | undefined;
  /** Path and query as received. */
  url: string;
  method: string;
  path: string;
}

export interface Redirect {
  status: 301 | 308;
  location: string;
}

/**
 * The HTTPS redirect: `301` for GET/HEAD, `308` for other methods (it keeps the method
 * and the body) to `https://<host><url>`. Call it after `checkHost`, so the Location
 * never points at a host the app does not serve.
 */
export function sslRedirect(
  security: Pick<SecurityConfig, 'sslRedirect'>,
  request: RedirectRequest,
): Redirect | null {
  if (!security.sslRedirect || request.proto === 'https' || isHealthPath(request.path)) {
    return null;
  }
  if (!request.host) return null;
  const url = request.url.startsWith('/') ? request.url : `/${request.url}`;
  const safe = request.method === 'GET' || request.method === 'HEAD';
  return { status: safe ? 301 : 308, location: `https://${request.host}${url}` };
}

export const HSTS = 'max-age=31536000; includeSubDomains';

export interface SecurityHeaderOptions {
  /** The request came over HTTPS (as the proxy says). */
  https: boolean;
  /** Send Strict-Transport-Security on HTTPS responses (on when the SSL redirect is on). */
  hsts: boolean;
  /**
   * Origins media may be loaded from besides the app itself (the public base URL of an
   * s3 or azure bucket, where `/api/media/:id/content` redirects to).
   */
  mediaOrigins?: readonly string[];
}

/**
 * Headers for every response, errors included. The CSP allows only the app's own
 * scripts, styles and forms; images and media also from the storage's origins.
 */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const media = ["'self'", 'data:', ...(options.mediaOrigins ?? [])].join(' ');
  const csp = [
    "default-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (options.https && options.hsts) headers['Strict-Transport-Security'] = HSTS;
  return headers;
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
