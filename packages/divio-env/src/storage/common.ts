import { BOOLEAN_EXPECTED, toBoolean } from '../boolean.js';

/** Reports a problem with the storage variable and abandons it. */
export type Fail = (expected: string) => never;

/** Ensures a trailing slash: public base URLs are prefixes that keys are appended to. */
export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** `qs_auth` and friends: Divio's boolean words; absent or empty means `fallback`. */
export function queryBoolean(
  query: URLSearchParams,
  name: string,
  fallback: boolean,
  fail: Fail,
): boolean {
  const value = query.get(name);
  if (value === null || value.trim() === '') return fallback;
  const parsed = toBoolean(value);
  if (parsed === undefined) return fail(`${name}= ${BOOLEAN_EXPECTED}`);
  return parsed;
}

/**
 * `?endpoint=`: an absolute http(s) URL without credentials, query or fragment; returned
 * without a trailing slash.
 */
export function parseEndpoint(value: string, fail: Fail): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('endpoint= an absolute http:// or https:// URL (percent-encoded)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('endpoint= an http:// or https:// URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    return fail('endpoint= a URL without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** `domain=`: a host name (a scheme is tolerated and kept). */
export function domainBase(domain: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? withSlash(domain) : `https://${domain}/`;
}
