import { readDivioEnv } from '@divio-samples/divio-env';
import { describe, expect, it } from 'vitest';
import {
  checkHost,
  HSTS,
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

describe('sslRedirect', () => {
  const base = { host: 'contract.example', url: '/a?b=1', path: '/a' };
  it('redirects GET and HEAD with 301, other methods with 308, keeping path and query', () => {
    expect(sslRedirect(security, { ...base, proto: 'http', method: 'GET' })).toEqual({
      status: 301,
      location: 'https://contract.example/a?b=1',
    });
    expect(sslRedirect(security, { ...base, proto: 'http', method: 'HEAD' })?.status).toBe(301);
    expect(sslRedirect(security, { ...base, proto: 'http', method: 'POST' })?.status).toBe(308);
    expect(sslRedirect(security, { ...base, proto: 'http', method: 'DELETE' })?.status).toBe(308);
  });
  it('leaves https requests, health paths and a disabled redirect alone', () => {
    expect(sslRedirect(security, { ...base, proto: 'https', method: 'GET' })).toBeNull();
    expect(
      sslRedirect(security, {
        ...base,
        url: '/healthz',
        path: '/healthz',
        proto: 'http',
        method: 'GET',
      }),
    ).toBeNull();
    expect(
      sslRedirect({ sslRedirect: false }, { ...base, proto: 'http', method: 'GET' }),
    ).toBeNull();
  });
});

describe('securityHeaders', () => {
  it('sets the contract headers, HSTS only over https when enabled', () => {
    const plain = securityHeaders({ https: false, hsts: true });
    expect(plain).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    expect(plain['Content-Security-Policy']?.startsWith("default-src 'self'")).toBe(true);
    expect(plain['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders({ https: true, hsts: true })['Strict-Transport-Security']).toBe(HSTS);
    expect(
      securityHeaders({ https: true, hsts: false })['Strict-Transport-Security'],
    ).toBeUndefined();
  });
  it('allows images from the storage origins', () => {
    const csp = securityHeaders({
      https: true,
      hsts: true,
      mediaOrigins: ['https://bucket.s3.amazonaws.com'],
    })['Content-Security-Policy'];
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
