import { existsSync } from 'node:fs';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { canConnect, startAzurite, startS3rver } from '../src/index.js';

describe('startS3rver', () => {
  it('starts on 127.0.0.1 with the asked buckets, serves objects, and stops cleanly', async () => {
    const s3 = await startS3rver({ buckets: ['media', 'other'] });
    try {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(s3.directory)).toBe(true);
      // Anonymous PUT/GET work on s3rver: enough to prove the buckets exist.
      const put = await fetch(`${s3.endpoint}/media/hello.txt`, {
        method: 'PUT',
        body: 'hi',
        headers: { 'content-type': 'text/plain' },
      });
      expect(put.status).toBe(200);
      const get = await fetch(`${s3.endpoint}/media/hello.txt`);
      expect(await get.text()).toBe('hi');
      const missingBucket = await fetch(`${s3.endpoint}/nope/hello.txt`);
      expect(missingBucket.status).toBe(404);
      await missingBucket.body?.cancel();
      await s3.createBucket('late');
      expect(s3.buckets).toEqual(['media', 'other', 'late']);
      const late = await fetch(`${s3.endpoint}/late/x`, { method: 'PUT', body: 'x' });
      expect(late.status).toBe(200);
    } finally {
      await s3.stop();
    }
    expect(await canConnect('127.0.0.1', s3.port, 500)).toBe(false);
    expect(existsSync(s3.directory)).toBe(false);
    await s3.stop(); // idempotent
  });

  it('builds a DEFAULT_STORAGE_DSN with the endpoint, url-encoded', async () => {
    const s3 = await startS3rver({ buckets: ['media'] });
    try {
      const dsn = new URL(s3.dsn('media', { prefix: '/uploads', signedUrls: true }));
      expect(dsn.protocol).toBe('s3:');
      expect(dsn.username).toBe('S3RVER');
      expect(dsn.password).toBe('S3RVER');
      expect(dsn.hostname).toBe('media');
      expect(dsn.pathname).toBe('/uploads/');
      expect(dsn.searchParams.get('endpoint')).toBe(s3.endpoint);
      expect(dsn.searchParams.get('url')).toBe(`${s3.endpoint}/media/uploads/`);
      expect(dsn.searchParams.get('qs_auth')).toBe('1');
      expect(s3.dsn()).toContain(`?endpoint=${encodeURIComponent(s3.endpoint)}`);
      expect(s3.dsn('media', { publicBaseUrl: false })).not.toContain('url=');
    } finally {
      await s3.stop();
    }
  });

  it('supports AbortMultipartUpload (which s3rver itself lacks)', async () => {
    const s3 = await startS3rver({ buckets: ['media'] });
    try {
      const created = await fetch(`${s3.endpoint}/media/big.bin?uploads`, { method: 'POST' });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1];
      expect(uploadId).toBeTruthy();
      const part = await fetch(`${s3.endpoint}/media/big.bin?partNumber=1&uploadId=${uploadId}`, {
        method: 'PUT',
        body: 'part one',
      });
      expect(part.status).toBe(200);
      expect(await s3.pendingMultipartUploads('media')).toBe(1);
      const aborted = await fetch(`${s3.endpoint}/media/big.bin?uploadId=${uploadId}`, {
        method: 'DELETE',
      });
      expect(aborted.status).toBe(204);
      expect(await s3.pendingMultipartUploads('media')).toBe(0);
      const again = await fetch(`${s3.endpoint}/media/big.bin?uploadId=${uploadId}`, {
        method: 'DELETE',
      });
      expect(again.status).toBe(404);
      await again.body?.cancel();
    } finally {
      await s3.stop();
    }
  });

  it('rejects an invalid bucket name before starting anything', async () => {
    await expect(startS3rver({ buckets: ['Bad_Name'] })).rejects.toThrow(/invalid bucket name/);
  });
});

describe('startAzurite', () => {
  it('starts the blob service, creates public containers, and stops cleanly', async () => {
    const az = await startAzurite({ containers: ['media'] });
    try {
      expect(az.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      const client = new BlobServiceClient(
        az.endpoint,
        new StorageSharedKeyCredential(az.account, az.accountKey),
      );
      const blob = client.getContainerClient('media').getBlockBlobClient('a/b.txt');
      await blob.upload('hello', 5, { blobHTTPHeaders: { blobContentType: 'text/plain' } });
      const props = await blob.getProperties();
      expect(props.contentType).toBe('text/plain');
      // Public access `blob`: an anonymous GET works.
      const anonymous = await fetch(`${az.endpoint}/media/a/b.txt`);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.text()).toBe('hello');

      await az.createContainer('private', 'none');
      await client.getContainerClient('private').getBlockBlobClient('x').upload('x', 1);
      const denied = await fetch(`${az.endpoint}/private/x`);
      // Azure answers 404 to anonymous reads of private blobs; Azurite answers 403.
      expect([403, 404]).toContain(denied.status);
      await denied.body?.cancel();
      expect(az.containers).toEqual(['media', 'private']);
    } finally {
      await az.stop();
    }
    expect(await canConnect('127.0.0.1', az.port, 500)).toBe(false);
    expect(existsSync(az.directory)).toBe(false);
  });

  it('builds an az:// DSN with the base64 key and the endpoint', async () => {
    const az = await startAzurite({ containers: ['media'] });
    try {
      const dsn = az.dsn('media');
      const parsed = new URL(dsn);
      expect(parsed.protocol).toBe('az:');
      expect(parsed.username).toBe('devstoreaccount1');
      expect(decodeURIComponent(parsed.password)).toBe(az.accountKey);
      expect(parsed.hostname).toBe('blob.core.windows.net');
      expect(parsed.pathname).toBe('/media');
      expect(parsed.searchParams.get('endpoint')).toBe(az.endpoint);
      expect(parsed.searchParams.get('url')).toBe(`${az.endpoint}/media/`);
    } finally {
      await az.stop();
    }
  });
});
