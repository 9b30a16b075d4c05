import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3StorageConfig } from '@divio-samples/divio-env';
import { Secret } from '@divio-samples/divio-env';
import { freePort, type S3rverHandle, startS3rver } from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, StorageError } from '../src/index.js';
import { conformance } from './support/conformance.js';
import { readAll } from './support/streams.js';

function s3Config(s3: S3rverHandle, overrides: Partial<S3StorageConfig> = {}): S3StorageConfig {
  const prefix = overrides.prefix ?? '';
  return {
    backend: 's3',
    bucket: 'media',
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    prefix,
    publicBaseUrl: `${s3.endpoint}/${overrides.bucket ?? 'media'}/${prefix}`,
    acl: 'public-read',
    signedUrls: false,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: new Secret(s3.secretAccessKey),
    ...overrides,
  };
}

// Under a key prefix inside the bucket, as Divio DSNs with a path give it.
conformance('s3 (s3rver, prefix "site/")', async () => {
  const s3 = await startS3rver({ buckets: ['media'] });
  const storage = await createStorage(s3Config(s3, { prefix: 'site/' }));
  return {
    storage,
    // s3rver lists in its own storage order; S3 itself lists in UTF-8 binary key order.
    listsInKeyOrder: false,
    async assertNoLeftovers() {
      expect(await s3.pendingMultipartUploads('media')).toBe(0);
    },
    async teardown() {
      await storage.close();
      await s3.stop();
    },
  };
});

describe('s3 backend specifics', () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['media'] });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('stores keys under the configured prefix and strips it in list()', async () => {
    const prefixed = await createStorage(s3Config(s3, { prefix: 'tenant/' }));
    const plain = await createStorage(s3Config(s3));
    await prefixed.put('x/y.txt', Buffer.from('y'), { contentType: 'text/plain' });
    expect((await plain.head('tenant/x/y.txt')).size).toBe(1);
    const listed = [];
    for await (const o of prefixed.list('x/')) listed.push(o.key);
    expect(listed).toEqual(['x/y.txt']);
    expect(await prefixed.url('x/y.txt')).toBe(`${s3.endpoint}/media/tenant/x/y.txt`);
  });

  it('gives pre-signed URLs when signedUrls is on, and they fetch', async () => {
    const storage = await createStorage(s3Config(s3, { signedUrls: true }));
    await storage.put('signed/a b.txt', Buffer.from('signed body'), { contentType: 'text/plain' });
    const url = new URL(await storage.url('signed/a b.txt', { expiresIn: 120 }));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('signed body');
    // (s3rver does not verify query signatures, so a tampered URL cannot be tested here.)
  });

  it('maps a 403 to Denied without echoing secrets, signatures or keys', async () => {
    // s3rver does not verify V4 signatures, so a stand-in answers every request with the
    // worst case: a 403 whose message repeats the request URL and Authorization header.
    const server = createServer((req, res) => {
      req.resume();
      const echo = `${req.method} ${req.url} ${req.headers.authorization ?? ''}`;
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied for ${escapeXml(echo)}</Message></Error>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const secret = 'wrong/secret+VALUE/1234567890abcdef';
    const storage = await createStorage(
      s3Config(s3, {
        endpoint,
        publicBaseUrl: `${endpoint}/media/`,
        secretAccessKey: new Secret(secret),
      }),
    );
    const key = 'private/customer-invoice-4711.pdf';
    try {
      for (const attempt of [
        () => storage.put(key, Buffer.from('x'), { contentType: 'application/pdf' }),
        () => storage.get(key),
        () => storage.check(),
      ]) {
        const error = (await attempt().catch((e: unknown) => e)) as StorageError;
        expect(error).toBeInstanceOf(StorageError);
        expect(error.code).toBe('Denied');
        expect(error.backend).toBe('s3');
        expect(error.status).toBe(403);
        const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(encodeURIComponent(secret));
        expect(shown).not.toContain('customer-invoice-4711');
        expect(shown).not.toMatch(/Signature=[0-9a-f]{16}/);
        expect(error.cause).toBeUndefined();
      }
    } finally {
      await storage.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('check() reports a missing bucket and an unreachable endpoint as Unavailable', async () => {
    const missing = await createStorage(s3Config(s3, { bucket: 'no-such-bucket' }));
    await expect(missing.check()).rejects.toMatchObject({ code: 'Unavailable' });
    const port = await freePort();
    const down = await createStorage(
      s3Config(s3, {
        endpoint: `http://127.0.0.1:${port}`,
        publicBaseUrl: `http://127.0.0.1:${port}/media/`,
      }),
      { s3: { maxAttempts: 1 } },
    );
    const error = (await down.check().catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('Unavailable');
    await expect(down.get('x')).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('sends ACL and content disposition with the upload', async () => {
    const storage = await createStorage(s3Config(s3));
    await storage.put('acl/doc.pdf', Buffer.from('%PDF'), {
      contentType: 'application/pdf',
      contentDisposition: 'attachment',
    });
    const response = await fetch(`${s3.endpoint}/media/acl/doc.pdf`);
    expect(response.headers.get('content-disposition')).toBe('attachment');
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect((await readAll((await storage.get('acl/doc.pdf')).body)).toString()).toBe('%PDF');
    await response.body?.cancel();
  });
});

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
