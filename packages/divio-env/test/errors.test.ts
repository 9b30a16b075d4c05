import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DivioEnvError, maskUrl } from '../src/index.js';

describe('maskUrl', () => {
  const cases: [string, string][] = [
    ['postgres://user:pw@h:5432/db', 'postgres://user:***@h:5432/db'],
    ['postgres://user@h/db', 'postgres://user:***@h/db'],
    ['postgres://h:5432/db', 'postgres://h:5432/db'],
    ['postgres://[::1]:5432/db', 'postgres://[::1]:5432/db'],
    ['s3://KEY:SECRET', 's3://KEY:***'],
    ['s3://KEY:SECRET/prefix?x=1', 's3://KEY:***'],
    ['s3://KEY:AB/CDEFGH', 's3://KEY:***'],
    ['s3://KEY:se/cr@et@host/p', 's3://KEY:***@host/p'],
    ['s3://KEY%3ASECRET@host', 's3://KEY:***@host'],
    ['redis://:pw@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['mysql:root:pw@h', 'mysql:root:***@h'],
    [
      'postgres://u@h/d?sslmode=require&password=pw&sig=abc',
      'postgres://u:***@h/d?sslmode=require&password=***&sig=***',
    ],
    ['not a url', 'not a url'],
    ['', ''],
  ];
  it.each(cases)('%s -> %s', (value, masked) => {
    expect(maskUrl(value)).toBe(masked);
  });
});

describe('DivioEnvError', () => {
  const error = new DivioEnvError([
    { variable: 'PORT', expected: 'a port from 1 to 65535', value: '0' },
    { variable: 'SECRET_KEY', expected: 'a secret key' },
  ]);
  it('lists every problem, one per line', () => {
    expect(error.message).toBe(
      [
        'Invalid Divio environment (2 problems):',
        '  - PORT: expected a port from 1 to 65535; got "0"',
        '  - SECRET_KEY: expected a secret key; it is not set',
      ].join('\n'),
    );
  });
  it('toJSON, toString and inspect carry the same content', () => {
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'DivioEnvError',
      message: error.message,
      problems: error.problems,
    });
    expect(String(error)).toBe(`DivioEnvError: ${error.message}`);
    expect(inspect(error)).toBe(`DivioEnvError: ${error.message}`);
  });
  it('its problems are frozen', () => {
    expect(Object.isFrozen(error.problems)).toBe(true);
    expect(Object.isFrozen(error.problems[0])).toBe(true);
  });
});
