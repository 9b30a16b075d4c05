import { describe, expect, it, vi } from 'vitest';
import { readSecurity } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const quiet = { onWarning: () => {} };

describe('SECRET_KEY', () => {
  it.each(['test', 'live'])('is required when STAGE=%s', (stage) => {
    const error = expectDivioEnvError(() => readSecurity({ STAGE: stage, DOMAIN: 'x.com' }, quiet));
    expect(error.problems).toEqual([
      { variable: 'SECRET_KEY', expected: `a secret key (required when STAGE is ${stage})` },
    ]);
  });
  it('an empty SECRET_KEY counts as unset', () => {
    expect(() => readSecurity({ STAGE: 'live', SECRET_KEY: '', DOMAIN: 'x' }, quiet)).toThrow(
      /SECRET_KEY/,
    );
  });
  it('is used as written', () => {
    const s = readSecurity({ STAGE: 'live', SECRET_KEY: ' k e y ', DOMAIN: 'x.com' }, quiet);
    expect(s.secretKey.reveal()).toBe(' k e y ');
    expect(s.secretKeyGenerated).toBe(false);
  });
  it.each([undefined, 'local', 'dev'])('is generated with a warning when STAGE=%s', (stage) => {
    const onWarning = vi.fn();
    const env = stage === undefined ? {} : { STAGE: stage };
    const a = readSecurity(env, { onWarning });
    const b = readSecurity(env, { onWarning });
    expect(a.secretKeyGenerated).toBe(true);
    expect(a.secretKey.reveal()).toHaveLength(43);
    expect(a.secretKey.reveal()).not.toBe(b.secretKey.reveal());
    expect(onWarning).toHaveBeenCalledTimes(2);
    const message = onWarning.mock.calls[0]?.[0] as string;
    expect(message).toMatch(/SECRET_KEY is not set/);
    expect(message).not.toContain(a.secretKey.reveal());
  });
  it('warns on console.warn by default', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    readSecurity({});
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
  it('never shows the key', () => {
    const s = readSecurity({ SECRET_KEY: 'super-secret-value' }, quiet);
    expect(JSON.stringify(s)).not.toContain('super-secret-value');
    expect(String(s.secretKey)).toBe('***');
  });
});

describe('allowed hosts', () => {
  it('DOMAIN + DOMAIN_ALIASES + DOMAIN_REDIRECTS, trimmed, empties dropped', () => {
    const s = readSecurity(
      {
        DOMAIN: 'example.us.aldryn.io',
        DOMAIN_ALIASES: 'localhost, 127.0.0.1, 0.0.0.0,, ',
        DOMAIN_REDIRECTS: ' old.example.com ,www.example.com',
      },
      quiet,
    );
    expect(s.domain).toBe('example.us.aldryn.io');
    expect(s.allowedHosts).toEqual([
      'example.us.aldryn.io',
      'localhost',
      '127.0.0.1',
      '0.0.0.0',
      'old.example.com',
      'www.example.com',
    ]);
    expect(s.redirectHosts).toEqual(['old.example.com', 'www.example.com']);
  });

  const env = {
    DOMAIN: 'contract.example',
    DOMAIN_ALIASES: 'localhost, 127\\.0\\.0\\.1, .sub.example.org, (www\\.)?shop\\.example, [::1]',
    DOMAIN_REDIRECTS: 'old.contract.example',
  };
  const cases: [string | undefined, boolean][] = [
    ['contract.example', true],
    ['CONTRACT.EXAMPLE', true],
    ['contract.example:8000', true],
    ['contract.example.', true],
    ['old.contract.example', true],
    ['localhost:3000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:80', true],
    ['127x0y0z1', false],
    ['sub.example.org', true],
    ['a.sub.example.org', true],
    ['a.b.sub.example.org', true],
    ['xsub.example.org', false],
    ['shop.example', true],
    ['www.shop.example', true],
    ['wwwxshop.example', false],
    ['[::1]', true],
    ['[::1]:8000', true],
    ['[::2]:8000', false],
    ['1', false],
    // Anchored at both ends.
    ['contract.example.evil.com', false],
    ['evil-contract.example', false],
    ['xlocalhost', false],
    ['localhost.evil', false],
    // Malformed Host headers.
    [undefined, false],
    ['', false],
    ['contract.example/x', false],
    ['contract.example:abc', false],
    ['user@contract.example', false],
    ['contract.example, evil.com', false],
    ['contract.example\r\n', true],
  ];
  const s = readSecurity(env, quiet);
  it.each(cases)('isAllowedHost(%j) = %s', (host, allowed) => {
    expect(s.isAllowedHost(host)).toBe(allowed);
  });

  it.each(['*', '.*'])('%s allows every well-formed host', (entry) => {
    const all = readSecurity({ DOMAIN_ALIASES: entry }, quiet);
    expect(all.isAllowedHost('anything.example:1234')).toBe(true);
    expect(all.isAllowedHost('bad host')).toBe(false);
  });

  it('compose service names with underscores work', () => {
    const compose = readSecurity({ DOMAIN_ALIASES: 'web_1, database_default' }, quiet);
    expect(compose.isAllowedHost('web_1:8000')).toBe(true);
    expect(compose.isAllowedHost('web_2:8000')).toBe(false);
  });

  it('local default: localhost, 127.0.0.1, [::1]', () => {
    const local = readSecurity({}, quiet);
    expect(local.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(local.isAllowedHost('localhost:8000')).toBe(true);
    expect(local.isAllowedHost('[::1]:8000')).toBe(true);
    expect(local.isAllowedHost('example.com')).toBe(false);
  });

  it.each(['test', 'live'])('STAGE=%s without DOMAIN: every host, with a warning', (stage) => {
    const onWarning = vi.fn();
    const s2 = readSecurity({ STAGE: stage, SECRET_KEY: 'k' }, { onWarning });
    expect(s2.allowedHosts).toEqual(['*']);
    expect(s2.isAllowedHost('whatever.example')).toBe(true);
    expect(onWarning).toHaveBeenCalledWith(expect.stringMatching(/every Host is allowed/));
  });

  it('an invalid pattern is an error naming the variable', () => {
    const error = expectDivioEnvError(() =>
      readSecurity({ DOMAIN_ALIASES: 'ok.example, *.example.com, (unclosed' }, quiet),
    );
    expect(error.problems.map((p) => [p.variable, p.value])).toEqual([
      ['DOMAIN_ALIASES', '*.example.com'],
      ['DOMAIN_ALIASES', '(unclosed'],
    ]);
    expect(error.problems[0]?.expected).toMatch(/\.example\.com/);
  });
  it.each(['localhost:8000', '[::1]:8000', '127.0.0.1:80'])(
    'an alias with a port (%s) is an error',
    (alias) => {
      const error = expectDivioEnvError(() => readSecurity({ DOMAIN_ALIASES: alias }, quiet));
      expect(error.problems[0]).toMatchObject({ variable: 'DOMAIN_ALIASES', value: alias });
      expect(error.problems[0]?.expected).toMatch(/without ports/);
    },
  );
  it('DOMAIN must be a host name', () => {
    const error = expectDivioEnvError(() =>
      readSecurity({ DOMAIN: 'https://example.com/' }, quiet),
    );
    expect(error.problems[0]?.variable).toBe('DOMAIN');
  });
  it('an invalid redirect pattern names DOMAIN_REDIRECTS', () => {
    const error = expectDivioEnvError(() => readSecurity({ DOMAIN_REDIRECTS: '[z-a]' }, quiet));
    expect(error.problems[0]?.variable).toBe('DOMAIN_REDIRECTS');
  });
});

describe('SECURE_SSL_REDIRECT', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['', true],
    ['True', true],
    ['true', true],
    ['1', true],
    ['False', false],
    [' False ', false],
    ['anything', true],
  ];
  it.each(cases)('%j -> %s', (value, on) => {
    const env = value === undefined ? {} : { SECURE_SSL_REDIRECT: value };
    expect(readSecurity(env, quiet).sslRedirect).toBe(on);
  });
  it.each(['false', 'FALSE', '0', 'no', 'off'])(
    '%s keeps the redirect on (only the literal False turns it off) and warns',
    (value) => {
      const onWarning = vi.fn();
      expect(readSecurity({ SECURE_SSL_REDIRECT: value }, { onWarning }).sslRedirect).toBe(true);
      expect(onWarning).toHaveBeenCalledWith(expect.stringMatching(/only the literal "False"/));
    },
  );
});

describe('TRUST_PROXY', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['', true],
    ['false', false],
    ['N', false],
    ['yes', true],
  ];
  it.each(cases)('%j -> %s', (value, trust) => {
    const env = value === undefined ? {} : { TRUST_PROXY: value };
    expect(readSecurity(env, quiet).trustProxy).toBe(trust);
  });
  it('rejects a non-boolean', () => {
    expect(() => readSecurity({ TRUST_PROXY: 'sometimes' }, quiet)).toThrow(/TRUST_PROXY/);
  });
});
