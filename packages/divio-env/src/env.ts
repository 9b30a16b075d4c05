import type { EnvSource } from './types.js';

/** The variable's value, or `undefined` when unset or blank (compose env files give `''`). */
export function optional(env: EnvSource, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return value;
}

/** Percent-decoding that reports failure as `undefined` instead of throwing. */
export function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export interface UrlParts {
  /** Lower-cased scheme. */
  scheme: string;
  /** Raw (still percent-encoded) user and password; `undefined` when absent. */
  rawUser?: string;
  rawPassword?: string;
  /** Raw host; brackets of an IPv6 literal removed. */
  rawHost: string;
  ipv6: boolean;
  /** Digits as written, `undefined` when absent or empty. */
  rawPort?: string;
  /** Raw path including its leading `/` (or `''`). */
  rawPath: string;
  query: URLSearchParams;
}

export const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Splits `scheme://user:password@host:port/path?query#fragment` the RFC 3986 way
 * (the authority ends at the first `/`, `?` or `#`), without WHATWG URL's special-scheme
 * rules, so percent-encoded hosts (unix sockets) and any scheme work the same.
 * Returns a string describing the problem when the value does not have that shape.
 */
export function splitUrl(value: string): UrlParts | string {
  const scheme = SCHEME_RE.exec(value);
  if (!scheme?.[1]) return 'a URL starting with scheme://';
  let rest = value.slice(scheme[0].length);
  if (!rest.startsWith('//')) return `a URL starting with ${scheme[1].toLowerCase()}://`;
  rest = rest.slice(2);
  // An '@' after the host means a '/', '?' or '#' inside the user name or password was not
  // percent-encoded: refuse, or a piece of the password would end up in the path or port.
  const end = rest.search(/[/?#]/);
  if (end !== -1 && rest.indexOf('@', end) !== -1) {
    return "percent-encoded user name and password ('/', '?', '#' and '@' as %2F, %3F, %23, %40)";
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const afterAuthority = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const q = afterAuthority.indexOf('?');
  const rawPath = q === -1 ? afterAuthority : afterAuthority.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : afterAuthority.slice(q + 1));

  const parts: UrlParts = {
    scheme: scheme[1].toLowerCase(),
    rawHost: '',
    ipv6: false,
    rawPath,
    query,
  };
  const at = authority.lastIndexOf('@');
  let hostPort = authority;
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    if (colon === -1) {
      parts.rawUser = userinfo;
    } else {
      parts.rawUser = userinfo.slice(0, colon);
      parts.rawPassword = userinfo.slice(colon + 1);
    }
  }
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return 'an IPv6 host in brackets, like [2001:db8::1]:5432';
    parts.rawHost = hostPort.slice(1, close);
    parts.ipv6 = true;
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return 'a host, then an optional :port';
    if (after.startsWith(':')) portText = after.slice(1);
  } else {
    const colons = hostPort.split(':').length - 1;
    if (colons > 1) return 'an IPv6 host in brackets, like [2001:db8::1]:5432';
    const colon = hostPort.indexOf(':');
    parts.rawHost = colon === -1 ? hostPort : hostPort.slice(0, colon);
    if (colon !== -1) portText = hostPort.slice(colon + 1);
  }
  if (portText !== undefined && portText !== '') parts.rawPort = portText;
  return parts;
}

/** A TCP port: digits only, 1 to 65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** The query as a plain object (last value wins), credential-looking values masked. */
export function queryOptions(
  query: URLSearchParams,
  sensitive: RegExp,
): Readonly<Record<string, string>> {
  // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(
    [...query].map(([key, value]) => [key, sensitive.test(key) ? '***' : value]),
  );
}
