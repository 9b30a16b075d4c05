import { describe, expect, it } from 'vitest';
import { codeForStatus, isStorageError, StorageError, sanitize } from '../src/errors.js';

describe('sanitize', () => {
  it('removes listed secrets in plain and URL-encoded form', () => {
    const secret = 'ab+cd/ef==';
    const message = `failed with ${secret} and ${encodeURIComponent(secret)}`;
    expect(sanitize(message, [secret])).toBe('failed with *** and ***');
  });

  it('removes object keys and ignores tiny needles', () => {
    expect(
      sanitize('no such key private/invoice.pdf', ['private/invoice.pdf', 'a', undefined]),
    ).toBe('no such key ***');
  });

  it('removes SAS signatures and AWS query credentials it was not told about', () => {
    const url =
      'https://acct.blob.core.windows.net/c/b?sv=2024-08-04&sp=r&sig=AbC%2Bdef%3D&se=2030 ' +
      'https://s3.example.com/b/k?X-Amz-Credential=AKIA%2F20261127&X-Amz-Signature=0123abcd&X-Amz-Security-Token=tok';
    const out = sanitize(url, []);
    expect(out).not.toContain('AbC%2Bdef');
    expect(out).not.toContain('AKIA');
    expect(out).not.toContain('0123abcd');
    expect(out).not.toContain('tok');
    expect(out).toContain('sig=***');
    expect(out).toContain('X-Amz-Signature=***');
  });

  it('removes Authorization header values and connection-string keys', () => {
    expect(sanitize('Authorization: SharedKey devstoreaccount1:c2lnbmF0dXJl', [])).not.toContain(
      'c2lnbmF0dXJl',
    );
    expect(sanitize('AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc', [])).not.toContain('AKIA');
    expect(sanitize('AccountKey=Zm9vYmFy;EndpointSuffix=x', [])).toBe(
      'AccountKey=***;EndpointSuffix=x',
    );
  });
});

describe('StorageError', () => {
  it('carries a code, backend and status, and no cause', () => {
    const error = new StorageError('NotFound', 'get: no such object', {
      backend: 's3',
      status: 404,
      backendCode: 'NoSuchKey',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StorageError');
    expect(error).toMatchObject({
      code: 'NotFound',
      backend: 's3',
      status: 404,
      backendCode: 'NoSuchKey',
    });
    expect(error.cause).toBeUndefined();
    expect(isStorageError(error)).toBe(true);
    expect(isStorageError(error, 'NotFound')).toBe(true);
    expect(isStorageError(error, 'Denied')).toBe(false);
    expect(isStorageError(new Error('x'))).toBe(false);
  });

  it('maps HTTP statuses', () => {
    expect(codeForStatus(404)).toBe('NotFound');
    expect(codeForStatus(403)).toBe('Denied');
    expect(codeForStatus(401)).toBe('Denied');
    expect(codeForStatus(413)).toBe('TooLarge');
    expect(codeForStatus(503)).toBe('Unavailable');
    expect(codeForStatus(429)).toBe('Unavailable');
    expect(codeForStatus(400)).toBeUndefined();
    expect(codeForStatus(undefined)).toBeUndefined();
  });
});
