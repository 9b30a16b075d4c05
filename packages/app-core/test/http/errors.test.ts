import { describe, expect, it } from 'vitest';
import {
  HttpError,
  methodNotAllowed,
  redactMessage,
  toErrorResponse,
} from '../../src/http/errors.js';

class FakeStorageError extends Error {
  override readonly name = 'StorageError';
  constructor(readonly code: string) {
    super(`storage said ${code}`);
  }
}

describe('toErrorResponse', () => {
  it('passes HttpError through', () => {
    const res = toErrorResponse(new HttpError(415, 'unsupported_media_type', 'nope'), {
      debug: true,
    });
    expect(res).toEqual({
      status: 415,
      body: { error: { code: 'unsupported_media_type', message: 'nope' } },
      headers: {},
    });
  });

  it('maps storage errors by code', () => {
    expect(toErrorResponse(new FakeStorageError('NotFound'), { debug: false }).status).toBe(404);
    expect(
      toErrorResponse(new FakeStorageError('TooLarge'), { debug: false }).body.error.code,
    ).toBe('payload_too_large');
    expect(toErrorResponse(new FakeStorageError('Unavailable'), { debug: false }).status).toBe(503);
    // Credentials the store rejects are the operator's problem: a generic 503, no detail.
    const denied = toErrorResponse(
      Object.assign(new FakeStorageError('Denied'), {
        status: 403,
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      }),
      { debug: false },
    );
    expect(denied.status).toBe(503);
    expect(denied.body.error).toEqual({
      code: 'service_unavailable',
      message: 'A backing service is unavailable',
    });
    expect(toErrorResponse(new FakeStorageError('Unknown'), { debug: false }).status).toBe(503);
  });

  it('maps a database that rejects the credentials to 503', () => {
    for (const code of ['28P01', '28000', '3D000', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR']) {
      const err = Object.assign(new Error('password authentication failed for user "app"'), {
        code,
      });
      const response = toErrorResponse(err, { debug: false });
      expect(response.status).toBe(503);
      expect(response.body.error.message).not.toContain('password');
    }
  });

  it("maps node-postgres's connect and query timeouts to 503", () => {
    expect(toErrorResponse(new Error('Query read timeout'), { debug: false }).status).toBe(503);
    expect(toErrorResponse(new Error('timeout expired'), { debug: false }).status).toBe(503);
    expect(toErrorResponse(new Error('lease timeout expired'), { debug: false }).status).toBe(500);
  });

  it('maps database connection failures to 503', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(toErrorResponse(err, { debug: false }).body.error.code).toBe('service_unavailable');
    const timeout = Object.assign(new Error('Knex: Timeout acquiring a connection'), {
      name: 'KnexTimeoutError',
    });
    expect(toErrorResponse(timeout, { debug: false }).status).toBe(503);
  });

  it('hides the internals of unexpected errors; a stack only with debug', () => {
    const err = new Error('insert into "media" values (secret stuff)');
    const quiet = toErrorResponse(err, { debug: false });
    expect(quiet).toMatchObject({ status: 500, body: { error: { code: 'internal_error' } } });
    expect(JSON.stringify(quiet)).not.toContain('secret stuff');
    expect(quiet.body.error.stack).toBeUndefined();
    expect(toErrorResponse(err, { debug: true }).body.error.stack).toContain('Error:');
  });

  it('keeps framework 4xx errors (malformed URLs, ...) as client errors', () => {
    const err = Object.assign(new URIError('Failed to decode param'), { status: 400 });
    expect(toErrorResponse(err, { debug: false })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request' } },
    });
  });

  it('never returns a stack for 4xx even with debug', () => {
    expect(
      toErrorResponse(new HttpError(404, 'not_found', 'x'), { debug: true }).body.error.stack,
    ).toBeUndefined();
  });
});

describe('redactMessage', () => {
  it('masks credentials in URLs and signed query strings', () => {
    expect(redactMessage('connect to postgres://user:hunter2@db:5432/x failed')).toBe(
      'connect to postgres://***:***@db:5432/x failed',
    );
    expect(
      redactMessage('GET https://a.blob.core.windows.net/c/k?sv=2020&sig=abc%2Bdef&se=1'),
    ).not.toContain('abc%2Bdef');
    expect(redactMessage('AccountKey=c2VjcmV0; other')).toBe('AccountKey=***; other');
  });
});

describe('methodNotAllowed', () => {
  it.each([
    [['GET', 'HEAD', 'POST'], 'GET, HEAD, POST'],
    [['HEAD', 'GET', 'DELETE'], 'DELETE, GET, HEAD'],
    [['GET', 'HEAD', 'GET', 'HEAD'], 'GET, HEAD'],
    [['get', ' head '], 'GET, HEAD'],
    [new Set(['POST']), 'POST'],
  ])('%j -> Allow: %s', (methods, allow) => {
    const err = methodNotAllowed(methods);
    expect(err).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
      headers: { Allow: allow },
    });
    expect(toErrorResponse(err, { debug: false }).headers).toEqual({ Allow: allow });
  });
});
