// The conformance suite every backend runs: the same cases, the same expectations.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isStorageError,
  type MediaStorage,
  type ObjectInfo,
  StorageError,
} from '../../src/index.js';
import { generatedStream, MiB, readAll, sha256Hex, sha256Of, slowStream } from './streams.js';

export interface ConformanceTarget {
  storage: MediaStorage;
  /** False when the backend (or its emulator) lists in some other order than by key. */
  listsInKeyOrder?: boolean;
  /** Backend-specific proof that a failed upload left nothing behind (temp files, parts). */
  assertNoLeftovers(): Promise<void>;
  teardown(): Promise<void>;
}

async function listAll(storage: MediaStorage, prefix?: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of storage.list(prefix)) out.push(info);
  return out;
}

async function expectCode(
  promise: Promise<unknown>,
  code: StorageError['code'],
): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected StorageError ${code}`).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
  return error as StorageError;
}

const INVALID_KEYS = [
  '',
  '../escape.txt',
  'a/../../escape.txt',
  '/absolute.txt',
  'a\\b.txt',
  'nul\u0000byte',
  'new\nline',
  'tab\there',
  'del\u007f',
  'a//b',
  'trailing/',
  '.hidden',
  'dir/.tmp/x',
  'dot./x',
  `${'x'.repeat(256)}/y`,
];

export function conformance(name: string, setup: () => Promise<ConformanceTarget>): void {
  describe(`MediaStorage conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let storage: MediaStorage;
    // Every test works under its own prefix, so tests never see each other's objects.
    const fresh = () => `c-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      target = await setup();
      storage = target.storage;
    });
    afterAll(async () => {
      await target?.teardown();
    });

    it('check() resolves when the backend is usable', async () => {
      await expect(storage.check()).resolves.toBeUndefined();
    });

    it('round-trips an empty body (Buffer and stream)', async () => {
      const dir = fresh();
      for (const [key, body] of [
        [`${dir}/empty-buffer`, Buffer.alloc(0)],
        [`${dir}/empty-stream`, Readable.from([])],
      ] as const) {
        const info = await storage.put(key, body, { contentType: 'application/octet-stream' });
        expect(info.size).toBe(0);
        const got = await storage.get(key);
        expect(got.size).toBe(0);
        expect((await readAll(got.body)).length).toBe(0);
      }
    });

    it('round-trips small bodies of every PutBody kind with their content type', async () => {
      const dir = fresh();
      const text = 'hello, media ✓\n';
      const bodies = {
        buffer: Buffer.from(text),
        uint8array: new TextEncoder().encode(text),
        node: Readable.from([Buffer.from('hello, '), Buffer.from('media ✓\n')]),
        web: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('hello, media'));
            controller.enqueue(new TextEncoder().encode(' ✓\n'));
            controller.close();
          },
        }),
      };
      for (const [kind, body] of Object.entries(bodies)) {
        const key = `${dir}/${kind}.txt`;
        const info = await storage.put(key, body, { contentType: 'text/plain; charset=utf-8' });
        expect(info).toMatchObject({
          key,
          size: Buffer.byteLength(text),
          contentType: 'text/plain; charset=utf-8',
        });
        expect(info.etag).toBeTruthy();
        const got = await storage.get(key);
        expect(got).toMatchObject({
          key,
          size: Buffer.byteLength(text),
          contentType: 'text/plain; charset=utf-8',
        });
        expect(got.etag).toBe(info.etag);
        expect((await readAll(got.body)).toString()).toBe(text);
        const head = await storage.head(key);
        expect(head).toMatchObject({
          key,
          size: Buffer.byteLength(text),
          contentType: 'text/plain; charset=utf-8',
        });
        expect(head.lastModified).toBeInstanceOf(Date);
      }
    });

    it('round-trips a 100 MB generated stream (sha256 on both ends)', async () => {
      const key = `${fresh()}/big.bin`;
      const size = 100 * MiB;
      const source = generatedStream(size, 'conformance-100mb');
      const info = await storage.put(key, source.stream, {
        contentType: 'application/octet-stream',
      });
      expect(info.size).toBe(size);
      const got = await storage.get(key);
      expect(got.size).toBe(size);
      const read = await sha256Of(got.body);
      expect(read.bytes).toBe(size);
      expect(read.hex).toBe(await source.digest);
      await storage.delete(key);
    }, 180_000);

    it('keeps content types and content disposition as given', async () => {
      const dir = fresh();
      const cases = [
        ['image.png', 'image/png'],
        ['vector.svg', 'image/svg+xml'],
        ['no-extension', 'application/pdf'],
        ['mismatch.txt', 'video/mp4'],
      ] as const;
      for (const [name, contentType] of cases) {
        await storage.put(`${dir}/${name}`, Buffer.from(name), { contentType });
        expect((await storage.head(`${dir}/${name}`)).contentType).toBe(contentType);
      }
      const disposition = 'attachment; filename="report.pdf"';
      await storage.put(`${dir}/download.pdf`, Buffer.from('%PDF'), {
        contentType: 'application/pdf',
        contentDisposition: disposition,
      });
      expect((await storage.head(`${dir}/download.pdf`)).contentDisposition).toBe(disposition);
      const download = await storage.get(`${dir}/download.pdf`);
      download.body.destroy();
      expect(download.contentDisposition).toBe(disposition);
      const listed = await listAll(storage, `${dir}/`);
      if (target.listsInKeyOrder === false) listed.sort((a, b) => (a.key < b.key ? -1 : 1));
      expect(listed.map((o) => [o.key.slice(dir.length + 1), o.contentType])).toEqual([
        ['download.pdf', 'application/pdf'],
        ['image.png', 'image/png'],
        ['mismatch.txt', 'video/mp4'],
        ['no-extension', 'application/pdf'],
        ['vector.svg', 'image/svg+xml'],
      ]);
    });

    it('lists by prefix, in key order, with sizes', async () => {
      const dir = fresh();
      const keys = [
        'a/1.txt',
        'a/2.txt',
        'a/b/3.txt',
        'a-c/4.txt',
        'ab/5.txt',
        'b/6.txt',
        'a b/ü 7.txt',
      ];
      await Promise.all(
        keys.map((k) => storage.put(`${dir}/${k}`, Buffer.from(k), { contentType: 'text/plain' })),
      );
      const rel = async (prefix: string) => {
        const found = (await listAll(storage, `${dir}/${prefix}`)).map((o) =>
          o.key.slice(dir.length + 1),
        );
        return target.listsInKeyOrder === false ? found.sort() : found;
      };
      expect(await rel('')).toEqual([...keys].sort());
      expect(await rel('a/')).toEqual(['a/1.txt', 'a/2.txt', 'a/b/3.txt']);
      expect(await rel('a')).toEqual([
        'a b/ü 7.txt',
        'a-c/4.txt',
        'a/1.txt',
        'a/2.txt',
        'a/b/3.txt',
        'ab/5.txt',
      ]);
      expect(await rel('a/b')).toEqual(['a/b/3.txt']);
      expect(await rel('a/1')).toEqual(['a/1.txt']);
      expect(await rel('zzz/')).toEqual([]);
      const all = await listAll(storage, `${dir}/`);
      expect(all.find((o) => o.key === `${dir}/b/6.txt`)).toMatchObject({
        size: 7,
        contentType: 'text/plain',
      });
      await expectCode(listAll(storage, '../'), 'InvalidKey');
    });

    it('reports missing keys as NotFound, and deleting them is not an error', async () => {
      const key = `${fresh()}/missing.txt`;
      await expectCode(storage.get(key), 'NotFound');
      await expectCode(storage.head(key), 'NotFound');
      await expect(storage.delete(key)).resolves.toBeUndefined();
      expect(await listAll(storage, key)).toEqual([]);
    });

    it('rejects invalid keys with InvalidKey on every operation, before any I/O', async () => {
      for (const key of INVALID_KEYS) {
        const error = await expectCode(
          storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
          'InvalidKey',
        );
        if (key.length > 3) expect(error.message).not.toContain(key);
        await expectCode(storage.get(key), 'InvalidKey');
        await expectCode(storage.head(key), 'InvalidKey');
        await expectCode(storage.delete(key), 'InvalidKey');
        await expectCode(storage.url(key), 'InvalidKey');
      }
      const everything = await listAll(storage);
      expect(everything.some((o) => o.key.includes('escape') || o.key.includes('hidden'))).toBe(
        false,
      );
    });

    it('handles concurrent puts to different keys and to the same key', async () => {
      const dir = fresh();
      const bodies = Array.from({ length: 8 }, (_, i) =>
        Buffer.from(`object ${i} `.repeat(1000 + i)),
      );
      await Promise.all(
        bodies.map((body, i) =>
          storage.put(`${dir}/many/${i}`, slowStream([body.subarray(0, 100), body.subarray(100)]), {
            contentType: 'text/plain',
          }),
        ),
      );
      for (const [i, body] of bodies.entries()) {
        expect(sha256Hex(await readAll((await storage.get(`${dir}/many/${i}`)).body))).toBe(
          sha256Hex(body),
        );
      }
      // Same key: the last writer wins, and the object is always one complete version.
      const versions = Array.from({ length: 5 }, (_, i) =>
        Buffer.from(`version ${i} `.repeat(5000)),
      );
      await Promise.all(
        versions.map((v) =>
          storage.put(`${dir}/same`, slowStream([v.subarray(0, 10), v.subarray(10)], 3), {
            contentType: 'text/plain',
          }),
        ),
      );
      const final = sha256Hex(await readAll((await storage.get(`${dir}/same`)).body));
      expect(versions.map((v) => sha256Hex(v))).toContain(final);
    });

    it('overwrites an object with new content and content type', async () => {
      const key = `${fresh()}/over.bin`;
      await storage.put(key, Buffer.from('first version, longer'), { contentType: 'text/plain' });
      await storage.put(key, Buffer.from('second'), { contentType: 'application/json' });
      const got = await storage.get(key);
      expect(got).toMatchObject({ size: 6, contentType: 'application/json' });
      expect((await readAll(got.body)).toString()).toBe('second');
    });

    it('deletes objects', async () => {
      const dir = fresh();
      await storage.put(`${dir}/x`, Buffer.from('x'), { contentType: 'text/plain' });
      await storage.put(`${dir}/y`, Buffer.from('y'), { contentType: 'text/plain' });
      await storage.delete(`${dir}/x`);
      await expectCode(storage.head(`${dir}/x`), 'NotFound');
      expect((await listAll(storage, `${dir}/`)).map((o) => o.key)).toEqual([`${dir}/y`]);
      await storage.delete(`${dir}/x`);
    });

    it('gives URLs that fetch the object over HTTP (spaces, unicode, reserved characters)', async () => {
      const dir = fresh();
      const cases = ['plain.txt', 'with space.txt', 'ünïcödé/😀.txt', 'plus+and&hash#?.txt'];
      for (const name of cases) {
        const key = `${dir}/${name}`;
        await storage.put(key, Buffer.from(`content of ${name}`), { contentType: 'text/plain' });
        const url = await storage.url(key);
        const response = await fetch(url);
        expect(response.status, `GET ${name}`).toBe(200);
        expect(await response.text()).toBe(`content of ${name}`);
      }
    });

    it('leaves no object when the source stream fails halfway', async () => {
      const key = `${fresh()}/broken.bin`;
      const source = generatedStream(40 * MiB, 'broken', 20 * MiB);
      const error = await expectCode(
        storage.put(key, source.stream, { contentType: 'application/octet-stream' }),
        'Aborted',
      );
      expect(error.message).toContain('failed on purpose');
      await expectCode(storage.head(key), 'NotFound');
      expect(await listAll(storage, key)).toEqual([]);
      await target.assertNoLeftovers();
    }, 120_000);

    it('keeps the previous version when an overwrite fails', async () => {
      const key = `${fresh()}/keep.txt`;
      await storage.put(key, Buffer.from('good'), { contentType: 'text/plain' });
      const source = generatedStream(8 * MiB, 'overwrite', 1 * MiB);
      await expectCode(storage.put(key, source.stream, { contentType: 'image/png' }), 'Aborted');
      const got = await storage.get(key);
      expect(got.contentType).toBe('text/plain');
      expect((await readAll(got.body)).toString()).toBe('good');
      await target.assertNoLeftovers();
    });

    it('stops an upload on abort signal and leaves nothing', async () => {
      const key = `${fresh()}/aborted.bin`;
      const controller = new AbortController();
      const source = generatedStream(64 * MiB, 'abort');
      let seen = 0;
      source.stream.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= 12 * MiB && !controller.signal.aborted) controller.abort();
      });
      await expectCode(
        storage.put(key, source.stream, {
          contentType: 'application/octet-stream',
          signal: controller.signal,
        }),
        'Aborted',
      );
      await expectCode(storage.head(key), 'NotFound');
      await target.assertNoLeftovers();
      const already = new AbortController();
      already.abort();
      await expectCode(
        storage.put(key, Buffer.from('x'), { contentType: 'text/plain', signal: already.signal }),
        'Aborted',
      );
      await expectCode(storage.head(key), 'NotFound');
    }, 120_000);

    it('enforces maxBytes and contentLength without leaving an object', async () => {
      const key = `${fresh()}/limited.bin`;
      const big = generatedStream(12 * MiB, 'limit');
      await expectCode(
        storage.put(key, big.stream, {
          contentType: 'application/octet-stream',
          maxBytes: 6 * MiB,
        }),
        'TooLarge',
      );
      await expectCode(storage.head(key), 'NotFound');
      const short = generatedStream(1000, 'short');
      const error = await storage
        .put(key, short.stream, { contentType: 'application/octet-stream', contentLength: 2000 })
        .catch((e: unknown) => e);
      expect(isStorageError(error)).toBe(true);
      await expectCode(storage.head(key), 'NotFound');
      const ok = await storage.put(key, generatedStream(1000, 'exact').stream, {
        contentType: 'application/octet-stream',
        contentLength: 1000,
        maxBytes: 1000,
      });
      expect(ok.size).toBe(1000);
      await target.assertNoLeftovers();
    });
  });
}
