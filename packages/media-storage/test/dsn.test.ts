// From DEFAULT_STORAGE_DSN to a working storage: divio-env parses, media-storage serves.
import { readStorage } from '@divio-samples/divio-env';
import { startAzurite, startS3rver, tempDir } from '@divio-samples/test-support';
import { describe, expect, it } from 'vitest';
import { createStorage, type MediaStorage } from '../src/index.js';
import { readAll } from './support/streams.js';

async function roundTrip(storage: MediaStorage): Promise<void> {
  await storage.check();
  const info = await storage.put('dsn/hello world.txt', Buffer.from('from the DSN'), {
    contentType: 'text/plain',
  });
  expect(info.size).toBe(12);
  expect((await readAll((await storage.get('dsn/hello world.txt')).body)).toString()).toBe(
    'from the DSN',
  );
}

describe('DEFAULT_STORAGE_DSN -> createStorage', () => {
  it('s3:// with ?endpoint= reaches s3rver, and public URLs fetch', async () => {
    const s3 = await startS3rver({ buckets: ['media'] });
    try {
      const config = readStorage({ DEFAULT_STORAGE_DSN: s3.dsn('media', { prefix: 'site' }) });
      expect(config).toMatchObject({
        backend: 's3',
        bucket: 'media',
        endpoint: s3.endpoint,
        prefix: 'site/',
      });
      const storage = await createStorage(config);
      await roundTrip(storage);
      const response = await fetch(await storage.url('dsn/hello world.txt'));
      expect(await response.text()).toBe('from the DSN');
      await storage.close();
    } finally {
      await s3.stop();
    }
  });

  it('az:// with ?endpoint= reaches Azurite, and signed URLs fetch', async () => {
    const az = await startAzurite({ containers: ['media'] });
    try {
      const config = readStorage({ DEFAULT_STORAGE_DSN: az.dsn('media', { signedUrls: true }) });
      expect(config).toMatchObject({
        backend: 'azure',
        account: 'devstoreaccount1',
        container: 'media',
      });
      const storage = await createStorage(config);
      await roundTrip(storage);
      const url = await storage.url('dsn/hello world.txt');
      expect(url).toContain('sig=');
      expect(await (await fetch(url)).text()).toBe('from the DSN');
      await storage.close();
    } finally {
      await az.stop();
    }
  });

  it('file:// with ?url= writes under the directory', async () => {
    const dir = await tempDir('media-dsn');
    try {
      const config = readStorage({
        DEFAULT_STORAGE_DSN: `file://${dir.path}/media/?url=${encodeURIComponent('/media/')}`,
      });
      expect(config).toMatchObject({
        backend: 'file',
        root: `${dir.path}/media`,
        publicBaseUrl: '/media/',
      });
      const storage = await createStorage(config);
      await roundTrip(storage);
      expect(await storage.url('dsn/hello world.txt')).toBe('/media/dsn/hello%20world.txt');
    } finally {
      await dir.remove();
    }
  });
});
