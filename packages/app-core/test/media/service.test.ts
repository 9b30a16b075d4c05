// The media service against real databases (SQLite, PostgreSQL, MariaDB) and real storage
// backends (local files; S3 and Azure Blob through their emulators).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readDivioEnv } from '@divio-samples/divio-env';
import { createStorage, type MediaStorage, StorageError } from '@divio-samples/media-storage';
import {
  createTempDatabase,
  requireMysql,
  requirePostgres,
  startAzurite,
  startS3rver,
} from '@divio-samples/test-support';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.js';
import { decodeCursor } from '../../src/media/cursor.js';
import {
  createKnex,
  migrateDown,
  migrateLatest,
  pendingMigrations,
} from '../../src/media/database.js';
import { MediaService } from '../../src/media/service.js';

type Db = 'sqlite' | 'pg' | 'mysql';
type Store = 'file' | 's3' | 'azure';

const available: Record<Db, boolean> = {
  sqlite: true,
  pg: await requirePostgres(),
  mysql: await requireMysql(),
};

const cells: [Db, Store][] = [
  ['sqlite', 'file'],
  ['pg', 'file'],
  ['mysql', 'file'],
  ['pg', 's3'],
  ['mysql', 'azure'],
];

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keys(storage: MediaStorage): Promise<string[]> {
  const found: string[] = [];
  for await (const info of storage.list('media/')) found.push(info.key);
  return found;
}

/** A stream that sends `good` bytes, then fails. */
function failingStream(good: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(good, 1));
      } else {
        this.destroy(new Error('client went away'));
      }
    },
  });
}

for (const [db, store] of cells) {
  describe.skipIf(!available[db])(`MediaService on ${db} × ${store}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    let knex: Knex;
    let storage: MediaStorage;
    let service: MediaService;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');

    beforeAll(async () => {
      const scratch = await mkdtemp(join(tmpdir(), `app-core-${db}-${store}-`));
      cleanups.push(() => rm(scratch, { recursive: true, force: true }));
      let databaseUrl = `sqlite:///${join(scratch, 'db.sqlite3')}`;
      if (db !== 'sqlite') {
        const temp = await createTempDatabase(db);
        cleanups.push(() => temp.drop());
        databaseUrl = temp.url;
      }
      let dsn = `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`;
      if (store === 's3') {
        const s3 = await startS3rver({ buckets: ['media'] });
        cleanups.push(() => s3.stop());
        dsn = s3.dsn('media');
      } else if (store === 'azure') {
        const azurite = await startAzurite({ containers: ['media'] });
        cleanups.push(() => azurite.stop());
        dsn = azurite.dsn('media');
      }
      const env = readDivioEnv(
        {
          STAGE: 'test',
          SECRET_KEY: 'x'.repeat(40),
          DATABASE_URL: databaseUrl,
          DEFAULT_STORAGE_DSN: dsn,
        },
        { onWarning: () => {} },
      );
      knex = createKnex(env.database);
      storage = await createStorage(env.storage);
      expect(await pendingMigrations(knex)).toEqual(['001-create-media']);
      expect(await migrateLatest(knex)).toEqual(['001-create-media']);
      expect(await migrateLatest(knex)).toEqual([]);
      expect(await pendingMigrations(knex)).toEqual([]);
      service = new MediaService({ knex, storage, now: () => new Date(clock) });
    }, 120_000);

    afterAll(async () => {
      await knex?.destroy();
      await storage?.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('stores a file: object and row, size counted, key from the id and extension', async () => {
      const media = await service.upload({
        stream: Readable.from([Buffer.from('hello '), Buffer.from('world')]),
        filename: '../Über Café.TXT',
        contentType: 'text/plain; charset=utf-8',
        limit: 1000,
      });
      expect(media).toMatchObject({
        key: `media/${media.id}.txt`,
        filename: 'Über Café.TXT',
        contentType: 'text/plain',
        size: 11,
        url: `/api/media/${media.id}/content`,
      });
      expect(await service.get(media.id)).toEqual(media);
      expect(await service.get(media.id.toUpperCase())).toEqual(media);
      const object = await storage.get(media.key);
      expect((await collect(object.body)).toString()).toBe('hello world');
    });

    it('413 past the limit, leaving neither row nor object', async () => {
      const before = await keys(storage);
      const rows = (await service.list({ limit: 100 })).items.length;
      const attempt = service.upload({
        stream: Readable.from([Buffer.alloc(600), Buffer.alloc(600)]),
        filename: 'big.bin',
        contentType: 'application/octet-stream',
        limit: 1000,
      });
      await expect(attempt).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
      expect(await keys(storage)).toEqual(before);
      expect((await service.list({ limit: 100 })).items.length).toBe(rows);
    });

    it('a stream that fails midway leaves neither row nor object', async () => {
      const before = await keys(storage);
      await expect(
        service.upload({
          stream: failingStream(2048),
          filename: 'broken.bin',
          contentType: undefined,
          limit: 1_000_000,
        }),
      ).rejects.toThrow();
      expect(await keys(storage)).toEqual(before);
    });

    it('storage dying mid-upload fails with the storage error (a 503), not the broken pipe', async () => {
      const before = await keys(storage);
      const dying: MediaStorage = Object.create(storage, {
        put: {
          value: async (_key: string, body: Readable) => {
            for await (const _chunk of body) break; // one chunk read, then the store dies
            throw new StorageError('Unavailable', 'put: socket hang up', { backend: 's3' });
          },
        },
      });
      const broken = new MediaService({ knex, storage: dying });
      const attempt = broken.upload({
        stream: Readable.from([Buffer.alloc(1024), Buffer.alloc(1024), Buffer.alloc(1024)]),
        filename: 'cut.bin',
        contentType: undefined,
        limit: 1_000_000,
      });
      await expect(attempt).rejects.toMatchObject({ name: 'StorageError', code: 'Unavailable' });
      await broken.settle(1000);
      expect(await keys(storage)).toEqual(before);
    });

    it('deletes the object again when the row cannot be inserted', async () => {
      const before = await keys(storage);
      const broken = new MediaService({ knex, storage });
      broken.repository.insert = () => Promise.reject(new Error('database gone'));
      await expect(
        broken.upload({
          stream: Readable.from([Buffer.from('x')]),
          filename: 'x.png',
          contentType: 'image/png',
          limit: 10,
        }),
      ).rejects.toThrow('database gone');
      expect(await keys(storage)).toEqual(before);
    });

    it('pages newest first with an opaque cursor, ties broken by id, no duplicates', async () => {
      await knex('media').delete();
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        // Three items share a timestamp: the keyset must still order and page them exactly.
        clock = Date.parse('2026-02-01T00:00:00.000Z') + (i < 3 ? 0 : i) * 1000 + 123;
        const media = await service.upload({
          stream: Readable.from([Buffer.from(String(i))]),
          filename: `p${i}.txt`,
          contentType: 'text/plain',
          limit: 10,
        });
        made.push(media.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await service.list({
          limit: 3,
          ...(cursor ? { cursor: decodeCursor(cursor) } : {}),
        });
        seen.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
      const all = (await service.list({ limit: 100 })).items;
      expect(all.map((m) => m.id)).toEqual(seen);
      const times = all.map((m) => Date.parse(m.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(all[0]?.createdAt).toBe('2026-02-01T00:00:06.123Z');
      expect(all.at(-1)?.createdAt).toBe('2026-02-01T00:00:00.123Z');
    });

    it('content: a redirect for cloud storage, the stream and its headers for files', async () => {
      const media = await service.upload({
        stream: Readable.from([Buffer.from('<script>alert(1)</script>')]),
        filename: 'page.html',
        contentType: 'text/html',
        limit: 100,
      });
      const content = await service.content(media.id);
      if (store === 'file') {
        if (content.kind !== 'stream') throw new Error('expected a stream');
        expect(content.contentType).toBe('text/html');
        expect(content.size).toBe(25);
        expect(content.disposition).toBe("attachment; filename*=UTF-8''page.html");
        expect((await collect(content.stream)).toString()).toBe('<script>alert(1)</script>');
        const byKey = await service.contentByKey(media.key);
        expect(byKey.kind).toBe('stream');
        if (byKey.kind === 'stream') byKey.stream.destroy();
      } else {
        if (content.kind !== 'redirect') throw new Error('expected a redirect');
        expect(content.location).toMatch(/^https?:\/\//);
        expect(content.location).toContain(media.key);
        // The disposition was stored with the object, so the store serves it as a download.
        const res = await fetch(content.location);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      }
      await expect(service.contentByKey('media/../../etc/passwd')).rejects.toMatchObject({
        status: 404,
      });
    });

    it('delete removes row and object; when the object cannot be deleted, the row stays', async () => {
      const media = await service.upload({
        stream: Readable.from([Buffer.from('bye')]),
        filename: 'bye.txt',
        contentType: 'text/plain',
        limit: 10,
      });
      const failing: MediaStorage = Object.create(storage, {
        delete: { value: () => Promise.reject(new Error('storage down')) },
      });
      await expect(new MediaService({ knex, storage: failing }).delete(media.id)).rejects.toThrow(
        'storage down',
      );
      expect(await service.get(media.id)).toEqual(media);

      await service.delete(media.id);
      await expect(service.get(media.id)).rejects.toMatchObject({ status: 404 });
      await expect(storage.head(media.key)).rejects.toMatchObject({ code: 'NotFound' });
      await expect(service.delete(media.id)).rejects.toMatchObject({ status: 404 });
    });

    it('404 for unknown and malformed ids', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', "1' or '1'='1"]) {
        await expect(service.get(id)).rejects.toBeInstanceOf(HttpError);
        await expect(service.delete(id)).rejects.toMatchObject({ code: 'not_found' });
        await expect(service.content(id)).rejects.toMatchObject({ code: 'not_found' });
      }
    });

    it('migrations roll back and apply again', async () => {
      await migrateDown(knex);
      expect(await pendingMigrations(knex)).toEqual(['001-create-media']);
      expect(await migrateLatest(knex)).toEqual(['001-create-media']);
    });
  });
}
