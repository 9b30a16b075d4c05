import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileStorageConfig } from '@divio-samples/divio-env';
import { tempDir } from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, FileStorage, type MediaStorage, StorageError } from '../src/index.js';
import { conformance } from './support/conformance.js';

/** Serves `GET /media/<encoded key>` from the storage, the way an app would. */
async function mediaServer(storage: MediaStorage): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith('/media/')) {
      res.writeHead(404).end();
      return;
    }
    let key: string;
    try {
      key = path.slice('/media/'.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      res.writeHead(400).end();
      return;
    }
    storage.get(key).then(
      (object) => {
        res.writeHead(200, { 'content-type': object.contentType, 'content-length': object.size });
        pipeline(object.body, res).catch(() => {});
      },
      (error: unknown) => {
        const status = error instanceof StorageError && error.code === 'NotFound' ? 404 : 400;
        res.writeHead(status).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/`, server };
}

function fileConfig(root: string, publicBaseUrl = '/media/'): FileStorageConfig {
  return { backend: 'file', root, publicBaseUrl, fallback: false };
}

conformance('file', async () => {
  const dir = await tempDir('media-file');
  const root = join(dir.path, 'media');
  // The URL base depends on the server's port, the server on the storage: late binding.
  let storage: MediaStorage = await createStorage(fileConfig(root));
  const { base, server } = await mediaServer({
    get: (key: string) => storage.get(key),
  } as MediaStorage);
  storage = await createStorage(fileConfig(root, base));
  return {
    storage,
    async assertNoLeftovers() {
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
    },
    async teardown() {
      await storage.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dir.remove();
    },
  };
});

describe('file backend specifics', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('media-file-x');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('keeps temp files and sidecars out of list() and stores data under root/<key>', async () => {
    const root = join(dir.path, 'layout');
    const storage = await createStorage(fileConfig(root));
    await storage.put('a/b.txt', Buffer.from('x'), { contentType: 'text/x-custom' });
    await mkdir(join(root, '.tmp'), { recursive: true });
    await writeFile(join(root, '.tmp', 'stray.part'), 'stray');
    expect(await readdir(root)).toEqual(expect.arrayContaining(['.meta', '.tmp', 'a']));
    expect(await readdir(join(root, 'a'))).toEqual(['b.txt']);
    await writeFile(join(root, 'a', 'by hand\\with backslash'), 'x');
    await writeFile(join(root, 'a', 'trailing-dot.'), 'x');
    const listed = [];
    for await (const o of storage.list()) listed.push(o.key);
    expect(listed).toEqual(['a/b.txt']);
  });

  it('removeStaleTemps removes only temp files untouched for longer than the cutoff', async () => {
    const root = join(dir.path, 'stale');
    const storage = new FileStorage(fileConfig(root));
    expect(await storage.removeStaleTemps()).toBe(0); // no .tmp yet
    const tmp = join(root, '.tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'old.part'), 'left by a killed process');
    await writeFile(join(tmp, 'fresh.part'), 'an upload under way');
    await writeFile(join(tmp, 'other.txt'), 'not a temp file');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(tmp, 'old.part'), hourAgo, hourAgo);
    await utimes(join(tmp, 'other.txt'), hourAgo, hourAgo);
    expect(await storage.removeStaleTemps()).toBe(1);
    expect((await readdir(tmp)).sort()).toEqual(['fresh.part', 'other.txt']);
  });

  it('serves a file without a sidecar as application/octet-stream', async () => {
    const root = join(dir.path, 'nosidecar');
    await mkdir(join(root, 'x'), { recursive: true });
    await writeFile(join(root, 'x', 'copied.bin'), 'by hand');
    const storage = await createStorage(fileConfig(root));
    expect(await storage.head('x/copied.bin')).toMatchObject({
      size: 7,
      contentType: 'application/octet-stream',
    });
  });

  it('maps key/directory collisions to InvalidKey and leaves nothing behind', async () => {
    const root = join(dir.path, 'collide');
    const storage = await createStorage(fileConfig(root));
    await storage.put('a', Buffer.from('file'), { contentType: 'text/plain' });
    const error = await storage
      .put('a/b', Buffer.from('x'), { contentType: 'text/plain' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidKey' });
    await storage.put('d/e', Buffer.from('x'), { contentType: 'text/plain' });
    await expect(
      storage.put('d', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      code: 'InvalidKey',
    });
    await expect(storage.head('d')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('builds public URLs from the base, each segment encoded', async () => {
    const storage = await createStorage(fileConfig(join(dir.path, 'urls')));
    expect(await storage.url('a b/ü?.png')).toBe('/media/a%20b/%C3%BC%3F.png');
  });

  it('check() creates the root, and fails as Unavailable (without the path) when it cannot', async () => {
    const root = join(dir.path, 'made-by-check');
    await (await createStorage(fileConfig(root))).check();
    expect(await readdir(root)).toEqual(['.tmp']);
    const blocker = join(dir.path, 'a-file');
    await writeFile(blocker, 'not a directory');
    const broken = await createStorage(fileConfig(join(blocker, 'media')));
    const error = (await broken.check().catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('Unavailable');
    expect(error.message).not.toContain(dir.path);
    const putError = (await broken
      .put('secret-name.txt', Buffer.from('x'), { contentType: 'text/plain' })
      .catch((e: unknown) => e)) as StorageError;
    expect(putError).toBeInstanceOf(StorageError);
    expect(putError.message).not.toContain(dir.path);
    expect(putError.message).not.toContain('secret-name');
  });
});
