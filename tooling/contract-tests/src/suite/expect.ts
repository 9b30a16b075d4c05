// Assertions every area of the contract suite shares: the security headers, the JSON error
// shape and the media object of docs/contract.md.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { HttpResponse } from '../client.js';
import { contractEnv } from '../env.js';

/** The media object of docs/contract.md. */
export interface Media {
  id: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
}

/** One page of `GET /api/media`. */
export interface MediaPage {
  items: Media[];
  nextCursor: string | null;
}

/** The JSON error body of docs/contract.md. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const MEDIA_FIELDS = ['contentType', 'createdAt', 'filename', 'id', 'key', 'size', 'url'];

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 8187 encoding of a filename, as in `filename*=UTF-8''...`. */
export function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Asserts the security headers every response carries (docs/contract.md, "Common rules"). */
export function expectSecurityHeaders(res: HttpResponse): void {
  expect(res.header('x-content-type-options'), 'X-Content-Type-Options').toBe('nosniff');
  expect(res.header('x-frame-options'), 'X-Frame-Options').toBe('DENY');
  expect(res.header('referrer-policy'), 'Referrer-Policy').toBe('same-origin');
  const csp = res.header('content-security-policy') ?? '';
  expect(csp, 'Content-Security-Policy').toMatch(/^default-src 'self'(;|$)/);
  // A framework's own inline scripts (Next.js) may be let through by a per-response nonce,
  // and by nothing else: no 'unsafe-inline', no 'unsafe-eval', no host (docs/contract.md).
  const scriptSrc = csp
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive.startsWith('script-src'));
  for (const directive of scriptSrc) {
    expect(directive, 'CSP script-src').toMatch(
      /^script-src 'self' 'nonce-[A-Za-z0-9+/_=-]{16,}'$/,
    );
  }
  expect(res.header('cross-origin-opener-policy'), 'Cross-Origin-Opener-Policy').toBe(
    'same-origin',
  );
  expect(res.header('x-powered-by'), 'X-Powered-By').toBeUndefined();
}

/** Asserts a JSON error answer: status, `{error:{code,message}}`, no stack, security headers. */
export function expectError(res: HttpResponse, status: number, code: string | string[]): void {
  const codes = Array.isArray(code) ? code : [code];
  const context = `${res.status} ${res.text().slice(0, 300)}`;
  expect(res.status, context).toBe(status);
  expect(res.header('content-type') ?? '(no Content-Type)', context).toMatch(
    /^application\/json\b/i,
  );
  const body = res.json<ErrorBody>();
  expect(typeof body.error, context).toBe('object');
  expect(codes, context).toContain(body.error.code);
  expect(typeof body.error.message, context).toBe('string');
  expect(body.error.message.length, context).toBeGreaterThan(0);
  // DEBUG is off under the contract environment: no stack, anywhere in the body.
  expect(res.text(), context).not.toMatch(/"stack"\s*:/);
  expect(res.text(), context).not.toContain(contractEnv.SECRET_KEY);
  expectSecurityHeaders(res);
}

/** Asserts every field of a media object (docs/contract.md, `POST /api/media`). */
export function expectMediaShape(
  media: Media,
  expected: { filename: string; contentType: string; size: number; ext: string },
): void {
  const context = JSON.stringify(media);
  expect(Object.keys(media).sort(), context).toEqual(MEDIA_FIELDS);
  expect(media.id, context).toMatch(UUID_PATTERN);
  expect(media.key, context).toBe(`media/${media.id}${expected.ext}`);
  expect(media.filename, context).toBe(expected.filename);
  expect(media.contentType, context).toBe(expected.contentType);
  expect(media.size, context).toBe(expected.size);
  expect(media.url, context).toBe(`/api/media/${media.id}/content`);
  expect(media.createdAt, context).toMatch(ISO_DATE);
  const age = Date.now() - Date.parse(media.createdAt);
  // Same machine (or containers on it): the clock agrees within a few minutes.
  expect(Math.abs(age), `createdAt ${media.createdAt} is not close to now`).toBeLessThan(
    10 * 60_000,
  );
}

/**
 * Asserts a redirect: the status, `Location`, an empty body (`Content-Length: 0`, no
 * Content-Type) and the security headers (docs/contract.md, "Common rules"). A response to
 * HEAD may leave Content-Length out.
 */
export function expectRedirect(
  res: HttpResponse,
  status: 301 | 302 | 303 | 308,
  location?: string,
  options: { head?: boolean } = {},
): void {
  const context = `${res.status} ${res.text().slice(0, 200)}`;
  expect(res.status, context).toBe(status);
  if (location !== undefined) expect(res.header('location'), 'Location').toBe(location);
  else expect(res.header('location'), 'Location').toBeTruthy();
  expect(res.body.length, `a ${status} has an empty body`).toBe(0);
  expect(res.header('content-type'), `a ${status} has no Content-Type`).toBeUndefined();
  if (options.head) expect(res.header('content-length') ?? '0', 'Content-Length').toBe('0');
  else expect(res.header('content-length'), 'Content-Length').toBe('0');
  expectSecurityHeaders(res);
}

/**
 * Asserts a `304 Not Modified` answering a conditional GET whose full answer was `full`:
 * the validators and caching headers of that answer (ETag, Cache-Control, Last-Modified),
 * the security headers and a request id, and nothing that describes a body (no
 * Content-Type, Content-Length, Content-Disposition, no body).
 */
export function expectNotModified(res: HttpResponse, full: HttpResponse): void {
  expect(res.status, res.text().slice(0, 200)).toBe(304);
  expect(res.body.length, 'a 304 has no body').toBe(0);
  for (const name of ['etag', 'cache-control', 'last-modified']) {
    expect(full.header(name), `${name} on the 200`).toBeTruthy();
    expect(res.header(name), `${name} on the 304`).toBe(full.header(name));
  }
  for (const name of ['content-type', 'content-length', 'content-disposition']) {
    expect(res.header(name), `${name} on a 304`).toBeUndefined();
  }
  expect(res.header('x-request-id'), 'X-Request-Id').toBeTruthy();
  expectSecurityHeaders(res);
}
