import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BlobSASPermissions,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { AzureStorageConfig } from '@divio-samples/divio-env';
import { Secret } from '@divio-samples/divio-env';
import { type AzuriteHandle, freePort, startAzurite } from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, StorageError } from '../src/index.js';
import { conformance } from './support/conformance.js';

function azureConfig(
  az: AzuriteHandle,
  overrides: Partial<AzureStorageConfig> = {},
): AzureStorageConfig {
  const container = overrides.container ?? 'media';
  return {
    backend: 'azure',
    account: az.account,
    container,
    credential: { kind: 'key', accountKey: new Secret(az.accountKey) },
    endpoint: az.endpoint,
    publicBaseUrl: `${az.endpoint}/${container}/`,
    signedUrls: false,
    ...overrides,
  };
}

conformance('azure (Azurite)', async () => {
  const az = await startAzurite({ containers: ['media'] });
  const storage = await createStorage(azureConfig(az));
  return {
    storage,
    async assertNoLeftovers() {
      // Staged but uncommitted blocks are invisible and expire; a failed upload must not
      // have committed a blob under any of the failing tests' names.
      const names: string[] = [];
      for await (const blob of az.serviceClient().getContainerClient('media').listBlobsFlat()) {
        names.push(blob.name);
      }
      expect(names.filter((n) => /\/(broken|aborted)\.bin$/.test(n))).toEqual([]);
    },
    async teardown() {
      await storage.close();
      await az.stop();
    },
  };
});

describe('azure backend specifics', () => {
  let az: AzuriteHandle;
  beforeAll(async () => {
    az = await startAzurite({ containers: ['media'] });
    await az.createContainer('private', 'none');
  });
  afterAll(async () => {
    await az?.stop();
  });

  it('gives SAS URLs made from the account key when signedUrls is on', async () => {
    const storage = await createStorage(
      azureConfig(az, { container: 'private', signedUrls: true }),
    );
    await storage.put('docs/a b.txt', Buffer.from('private body'), { contentType: 'text/plain' });
    const url = new URL(await storage.url('docs/a b.txt', { expiresIn: 300 }));
    expect(url.searchParams.get('sp')).toBe('r');
    expect(url.searchParams.get('sig')).toBeTruthy();
    const expiry = Date.parse(url.searchParams.get('se') ?? '');
    expect(expiry - Date.now()).toBeGreaterThan(250_000);
    expect(expiry - Date.now()).toBeLessThan(310_000);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('private body');
    // The container is private: the same URL without the SAS is refused,
    const bare = await fetch(`${url.origin}${url.pathname}`);
    expect([403, 404]).toContain(bare.status);
    await bare.body?.cancel();
    // and a tampered signature is refused.
    url.searchParams.set('sig', Buffer.alloc(32).toString('base64'));
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    await tampered.body?.cancel();
  });

  it('works with a SAS credential, and never puts the SAS into a public URL', async () => {
    const key = new StorageSharedKeyCredential(az.account, az.accountKey);
    // No blobName: a container SAS.
    const sas = generateBlobSASQueryParameters(
      {
        containerName: 'media',
        permissions: ContainerSASPermissions.parse('racwdl'),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      key,
    ).toString();
    const publicStorage = await createStorage(
      azureConfig(az, {
        credential: { kind: 'sas', sasToken: new Secret(sas) },
        signedUrls: false,
      }),
    );
    await publicStorage.put('sas/file.txt', Buffer.from('via sas'), { contentType: 'text/plain' });
    expect((await publicStorage.head('sas/file.txt')).size).toBe(7);
    const listed = [];
    for await (const o of publicStorage.list('sas/')) listed.push(o.key);
    expect(listed).toEqual(['sas/file.txt']);
    await publicStorage.check();
    const publicUrl = await publicStorage.url('sas/file.txt');
    expect(publicUrl).toBe(`${az.endpoint}/media/sas/file.txt`);
    expect(publicUrl).not.toContain('sig=');
    const signedStorage = await createStorage(
      azureConfig(az, {
        credential: { kind: 'sas', sasToken: new Secret(`?${sas}`) },
        signedUrls: true,
      }),
    );
    const signedUrl = await signedStorage.url('sas/file.txt');
    expect(signedUrl).toContain('sig=');
    expect((await fetch(signedUrl)).status).toBe(200);
  });

  it('maps a bad key and a bad SAS to Denied without echoing them', async () => {
    const badKey = Buffer.from('not the real account key, but base64 of something').toString(
      'base64',
    );
    // On a public container Azurite serves reads anonymously whatever the key: use the private one.
    const storage = await createStorage(
      azureConfig(az, {
        container: 'private',
        credential: { kind: 'key', accountKey: new Secret(badKey) },
      }),
    );
    const objectKey = 'private/customer-invoice-4711.pdf';
    for (const attempt of [
      () => storage.put(objectKey, Buffer.from('x'), { contentType: 'application/pdf' }),
      () => storage.get(objectKey),
      () => storage.check(),
    ]) {
      const error = (await attempt().catch((e: unknown) => e)) as StorageError;
      expect(error).toBeInstanceOf(StorageError);
      expect(error.code).toBe('Denied');
      expect(error.backend).toBe('azure');
      const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(shown).not.toContain(badKey);
      expect(shown).not.toContain('customer-invoice-4711');
      expect(error.cause).toBeUndefined();
    }
    const realKey = new StorageSharedKeyCredential(az.account, az.accountKey);
    const readOnly = generateBlobSASQueryParameters(
      {
        containerName: 'media',
        blobName: 'x',
        permissions: BlobSASPermissions.parse('r'),
        expiresOn: new Date(Date.now() + 60_000),
      },
      realKey,
    ).toString();
    const tampered = readOnly.replace(
      /sig=[^&]+/,
      `sig=${encodeURIComponent(Buffer.alloc(32, 7).toString('base64'))}`,
    );
    const sasStorage = await createStorage(
      azureConfig(az, { credential: { kind: 'sas', sasToken: new Secret(tampered) } }),
    );
    const error = (await sasStorage.head('y').catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(['Denied', 'NotFound']).toContain(error.code);
    const sig = new URLSearchParams(tampered).get('sig') ?? '';
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(sig);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(encodeURIComponent(sig));
  });

  it('redacts SAS signatures that a service echoes in its messages', async () => {
    // A stand-in that answers 403 and repeats the request URL (with its SAS) in the message.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(403, {
        'content-type': 'application/xml',
        'x-ms-error-code': 'AuthorizationFailure',
      });
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>Denied: ${req.url?.replace(/&/g, '&amp;')}</Message></Error>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`;
    const sas =
      'sv=2024-08-04&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=SECRETSIGNATUREvalue1234567890abcdefABCDEF%3D';
    const storage = await createStorage(
      azureConfig(az, {
        endpoint,
        publicBaseUrl: `${endpoint}/media/`,
        credential: { kind: 'sas', sasToken: new Secret(sas) },
      }),
      { azure: { maxTries: 1 } },
    );
    try {
      const error = (await storage
        .head('private/customer-invoice-4711.pdf')
        .catch((e: unknown) => e)) as StorageError;
      expect(error).toBeInstanceOf(StorageError);
      expect(error.code).toBe('Denied');
      const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(shown).not.toContain('SECRETSIGNATURE');
      expect(shown).not.toContain('customer-invoice-4711');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('does not list blobs whose names break the key policy', async () => {
    const container = az.serviceClient().getContainerClient('media');
    await container.getBlockBlobClient('odd/.hidden').upload('x', 1);
    await container.getBlockBlobClient('odd/fine.txt').upload('x', 1);
    const storage = await createStorage(azureConfig(az));
    const listed = [];
    for await (const o of storage.list('odd/')) listed.push(o.key);
    expect(listed).toEqual(['odd/fine.txt']);
  });

  it('check() reports a missing container and an unreachable service as Unavailable', async () => {
    const missing = await createStorage(azureConfig(az, { container: 'nope' }));
    await expect(missing.check()).rejects.toMatchObject({ code: 'Unavailable' });
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/devstoreaccount1`;
    const down = await createStorage(
      azureConfig(az, { endpoint, publicBaseUrl: `${endpoint}/media/` }),
      {
        azure: { maxTries: 1 },
      },
    );
    const error = (await down.check().catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('Unavailable');
  });
});
