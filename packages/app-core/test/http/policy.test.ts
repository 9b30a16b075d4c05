import type { IncomingHttpHeaders } from 'node:http';
import { readDivioEnv } from '@divio-samples/divio-env';
import { describe, expect, it } from 'vitest';
import {
  checkHost,
  checkUrl,
  forwardedProto,
  HSTS,
  isHttps,
  mediaOrigins,
  requestId,
  securityHeaders,
  sslRedirect,
} from '../../src/http/policy.js';

const security = readDivioEnv(
  {
    STAGE: 'test',
    SECRET_KEY: 'test-secret-key-for-http-policy',
    DOMAIN: 'contract.example',
    DOMAIN_ALIASES: 'localhost, 127\\.0\\.0\\.1',
    DOMAIN_REDIRECTS: 'old.contract.example',
    SECURE_SSL_REDIRECT: 'True',
  },
  { onWarning: () => {} },
).security;

describe('checkHost', () => {
  it.each([
    ['contract.example', '/', true],
    ['CONTRACT.example:8443', '/', true],
    ['localhost:8000', '/api/info', true],
    ['127.0.0.1:49152', '/', true],
    ['old.contract.example', '/', true],
    ['evil.example', '/', false],
    ['127x0x0x1', '/', false],
    [undefined, '/', false],
    ['evil.example', '/healthz', true],
    ['evil.example', '/readyz', true],
    [undefined, '/readyz', true],
  ])('%s %s allowed: %s', (host, path, allowed) => {
    const error = checkHost(security, host, path);
    if (allowed) expect(error).toBeUndefined();
    else expect(error).toMatchObject({ status: 400, code: 'bad_host' });
  });
});

/** X-Forwarded-Proto as Node hands it over: a string, several lines joined with ", ". */
const xfp = (value: string | undefined): IncomingHttpHeaders =>
  value === undefined ? {} : { 'x-forwarded-proto': value };

describe('forwardedProto and isHttps: the last X-Forwarded-Proto value, any case', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    // [header, forwardedProto, isHttps]
    ['https', 'https', true],
    ['HTTPS', 'https', true],
    ['Https', 'https', true],
    ['http', 'http', false],
    ['HTTP', 'http', false],
    ['http, https', 'https', true],
    ['http,https', 'https', true],
    ['https, http', 'http', false],
    ['https,http', 'http', false],
    [' https ', 'https', true],
    ['ws', 'ws', false],
    ['', '', false],
    ['https, ', '', false],
    [undefined, undefined, false],
  ])('%j: %j (https: %s)', (header, proto, https) => {
    expect(forwardedProto(security, xfp(header))).toBe(proto);
    expect(isHttps(security, xfp(header))).toBe(https);
  });

  it('ignores the header when the proxy is not trusted', () => {
    const untrusted = { ...security, trustProxy: false };
    expect(forwardedProto(untrusted, xfp('https'))).toBeUndefined();
    expect(isHttps(untrusted, xfp('https'))).toBe(false);
  });
});

describe('sslRedirect', () => {
  const request = (method: string, proto: string | undefined, url = '/a?b=1') => ({
    method,
    url,
    headers: { host: 'contract.example', ...xfp(proto) },
  });
  it('redirects GET and HEAD with 301, other methods with 308, keeping path and query', () => {
    expect(sslRedirect(security, request('GET', 'http'))).toEqual({
      status: 301,
      headers: { Location: 'https://contract.example/a?b=1', 'Content-Length': '0' },
    });
    expect(sslRedirect(security, request('HEAD', 'http'))?.status).toBe(301);
    expect(sslRedirect(security, request('POST', 'http'))?.status).toBe(308);
    expect(sslRedirect(security, request('DELETE', 'HTTP'))?.status).toBe(308);
  });
  it.each<[string, string | undefined, boolean]>([
    ['http', 'http', true],
    ['https', 'https', false],
    ['HTTPS', 'HTTPS', false],
    ['"http, https" (the proxy appended https)', 'http, https', false],
    ['"https, http" (the proxy appended http)', 'https, http', true],
    ['an empty header (it came through the proxy)', '', true],
    ['no header (not through the proxy)', undefined, false],
  ])('X-Forwarded-Proto %s: redirected %s', (_name, proto, redirected) => {
    expect(sslRedirect(security, request('GET', proto)) !== undefined).toBe(redirected);
  });
  it('leaves health paths, a request without Host and a disabled redirect alone', () => {
    expect(sslRedirect(security, request('GET', 'http', '/healthz'))).toBeUndefined();
    expect(sslRedirect(security, request('GET', 'http', '/readyz?x=1'))).toBeUndefined();
    expect(
      sslRedirect(security, { method: 'GET', url: '/', headers: xfp('http') }),
    ).toBeUndefined();
    expect(
      sslRedirect({ ...security, sslRedirect: false }, request('GET', 'http')),
    ).toBeUndefined();
  });
  it('encodes what may not stand in a Location (as Express and Koa redirects do)', () => {
    expect(sslRedirect(security, request('GET', 'http', '/a b?q=<x>%41'))?.headers.Location).toBe(
      'https://contract.example/a%20b?q=%3Cx%3E%41',
    );
  });
});

describe('checkUrl: malformed percent-encoding in the path', () => {
  it.each([
    ['/api/media/%', true],
    ['/api/media/%zz', true],
    ['/api/media/%C0%AF', true],
    ['/static/%E0%A4%A', true],
    ['/%', true],
    ['/nope/%?x=1', true],
    ['/api/media/a%20b', false],
    ['/static/%2e%2e/x', false],
    ['/api/media?cursor=%', false],
    ['/', false],
    [undefined, false],
  ])('%j: 400 %s', (url, malformed) => {
    const error = checkUrl(url);
    if (malformed)
      expect(error).toMatchObject({ status: 400, code: 'bad_request', message: 'Malformed URL' });
    else expect(error).toBeUndefined();
  });
});

describe('securityHeaders', () => {
  it('sets the contract headers, HSTS only on https requests while the redirect is on', () => {
    const plain = securityHeaders(security, xfp('http'));
    expect(plain).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    expect(plain['Content-Security-Policy']?.startsWith("default-src 'self'")).toBe(true);
    expect(plain['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders(security, {})['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders(security, xfp('http, HTTPS'))['Strict-Transport-Security']).toBe(HSTS);
    expect(
      securityHeaders({ ...security, sslRedirect: false }, xfp('https'))[
        'Strict-Transport-Security'
      ],
    ).toBeUndefined();
  });
  it('allows a page its own inline scripts by a nonce, and nothing else more', () => {
    const csp = securityHeaders(security, xfp('https'), [], { scriptNonce: 'n0nce+/=' })[
      'Content-Security-Policy'
    ];
    expect(csp?.startsWith("default-src 'self'; script-src 'self' 'nonce-n0nce+/='; ")).toBe(true);
    expect(securityHeaders(security, xfp('https'))['Content-Security-Policy']).toBe(
      csp?.replace(" script-src 'self' 'nonce-n0nce+/=';", ''),
    );
  });
  it('allows images from the storage origins', () => {
    const csp = securityHeaders(security, xfp('https'), ['https://bucket.s3.amazonaws.com'])[
      'Content-Security-Policy'
    ];
    expect(csp).toContain("img-src 'self' data: https://bucket.s3.amazonaws.com");
  });
});

describe('requestId', () => {
  it('keeps well-formed ids and replaces anything else', () => {
    expect(requestId('abc-123_X.y')).toBe('abc-123_X.y');
    expect(requestId('a'.repeat(128))).toBe('a'.repeat(128));
    for (const bad of [undefined, '', 'a'.repeat(129), 'has space', 'semi;colon', 'ünï']) {
      const id = requestId(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(requestId(['first', 'second'])).toBe('first');
  });
});

describe('mediaOrigins', () => {
  const storage = (dsn: string) =>
    readDivioEnv(
      { STAGE: 'test', SECRET_KEY: 'test-secret-key-for-http-policy', DEFAULT_STORAGE_DSN: dsn },
      { onWarning: () => {} },
    ).storage;
  it.each([
    ['file:///data/media/?url=%2Fmedia%2F', []],
    [
      's3://key:secret@bucket.s3.eu-central-1.amazonaws.com/?auth=s3v4',
      expect.arrayContaining(['https://bucket.s3.eu-central-1.amazonaws.com']),
    ],
  ])('%s -> %j', (dsn, expected) => {
    expect(mediaOrigins(storage(dsn))).toEqual(expected);
  });
  it('never includes a credential', () => {
    const origins = mediaOrigins(
      storage('s3://key:secret@bucket.s3.eu-central-1.amazonaws.com/?auth=s3v4'),
    );
    expect(origins.join(' ')).not.toMatch(/key|secret/);
  });
});
