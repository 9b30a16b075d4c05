// `POST /api/media`: what is stored (key, filename, content type), what is refused, and
// the upload limit leaving nothing behind (docs/contract.md).
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractMaxUploadBytes } from '../env.js';
import { streamedMultipart } from '../multipart.js';
import { makePng } from '../png.js';
import type { ContractContext } from './context.js';
import { expectError, type Media, sha256 } from './expect.js';

/** Reads every file below `dir` (relative paths); an absent directory is empty. */
async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(dir, path));
    }
  }
  await walk(dir);
  return found.sort();
}

export function defineUploadTests(ctx: ContractContext): void {
  describe('POST /api/media', () => {
    it('stores a PNG: 201, the media object, Location', async () => {
      const png = makePng(8, 8, 1);
      const media = await ctx.uploadOk(ctx.unique('photo.png'), png, 'image/png', { ext: '.png' });
      const again = await ctx.http.get(`/api/media/${media.id}`);
      expect(again.status).toBe(200);
      expect(again.json()).toEqual(media);
    });

    it('stores a text file; the key takes the lower-cased extension', async () => {
      await ctx.uploadOk(ctx.unique('Notes.TXT'), 'hello contract\n', 'text/plain', {
        ext: '.txt',
      });
    });

    it('stores an empty (0-byte) file with size 0', async () => {
      await ctx.uploadOk(ctx.unique('empty.txt'), '', 'text/plain', { ext: '.txt' });
    });

    it('stores a 1 MiB file intact', async () => {
      const data = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
      const media = await ctx.uploadOk(ctx.unique('blob.bin'), data, 'application/octet-stream', {
        ext: '.bin',
      });
      const got = await ctx.content(media);
      if (got) expect(sha256(got.body)).toBe(sha256(data));
    });

    it.each([
      ['archive.tar.gz', '.gz'],
      ['noextension', ''],
      ['photo.JPEG', '.jpeg'],
      ['name.with-dash', ''],
      ['x.abcdefghijk', ''],
      ['x.abcdefghij', '.abcdefghij'],
      ['trailingdot.', ''],
      ['sp ace.p ng', ''],
    ])('key extension for %s is %j', async (name, ext) => {
      const filename = ctx.unique(name);
      await ctx.uploadOk(filename, 'x', 'application/octet-stream', { ext });
    });

    it('keeps Unicode filenames, normalised to NFC', async () => {
      const decomposed = ctx.unique('cafe\u0301 東京.png');
      expect(decomposed.normalize('NFC')).not.toBe(decomposed);
      await ctx.uploadOk(decomposed, makePng(4, 4, 2), 'image/png', {
        filename: decomposed.normalize('NFC'),
        ext: '.png',
      });
    });

    it.each([
      ['../../etc/passwd', 'passwd', ''],
      ['../../x.png', 'x.png', '.png'],
      ['/absolute/path/y.txt', 'y.txt', '.txt'],
      ['a\\\\b.png', 'b.png', '.png'],
      ['C:\\\\Users\\\\me\\\\photo.png', 'photo.png', '.png'],
      // Control characters a valid part header can carry: tab, and C1 controls as UTF-8
      // (HTTP forbids the other C0 controls and DEL in header fields; parsers refuse them).
      ['bad\tna\u0085me\u009f.txt', 'badname.txt', '.txt'],
      ['\t\u0080\u009f', 'upload', ''],
      // Nothing usable left: a dot segment or a directory.
      ['..', 'upload', ''],
      ['.', 'upload', ''],
      ['../..', 'upload', ''],
      ['dir/', 'upload', ''],
    ])('reduces filename %j to %j', async (name, expected, ext) => {
      await ctx.uploadOk(name, 'x', 'text/plain', { filename: expected, ext });
    });

    it('cuts filenames to at most 255 characters', async () => {
      const name = `${'n'.repeat(300)}.txt`;
      const res = await ctx.upload([{ filename: name, contentType: 'text/plain', data: 'x' }]);
      expect(res.status).toBe(201);
      const media = res.json<Media>();
      expect(media.filename.length).toBeGreaterThan(0);
      expect(media.filename.length).toBeLessThanOrEqual(255);
      expect(media.filename.startsWith('nnnn')).toBe(true);
      expect(media.key).toMatch(new RegExp(`^media/${media.id}(\\.txt)?$`));
    });

    it('stores a file part without a Content-Type as text/plain (RFC 7578, section 4.4)', async () => {
      const media = await ctx.uploadOk(ctx.unique('untyped.dat'), 'no type given', null, {
        contentType: 'text/plain',
        ext: '.dat',
      });
      const got = await ctx.content(media);
      if (got) expect(got.header('content-type') ?? '(none)').toMatch(/^text\/plain\b/);
    });

    it.each([
      ['an empty Content-Type value', ''],
      ['a Content-Type with an empty media type (";;;")', ';;;'],
      ['a Content-Type of only parameters', '; charset=utf-8'],
    ])('stores a file part with %s as text/plain (no media type given)', async (_name, type) => {
      await ctx.uploadOk(ctx.unique('empty-type.dat'), 'x', type, {
        contentType: 'text/plain',
        ext: '.dat',
      });
    });

    it.each([
      ['word without a slash', 'foo'],
      ['space in the type', 'a b/c'],
      ['garbage', 'not a type'],
      ['missing subtype', 'image/'],
      ['missing type', '/png'],
      ['injection attempt', 'text/html<script>'],
    ])('falls back to application/octet-stream for a %s content type', async (_name, type) => {
      await ctx.uploadOk(ctx.unique('typed.dat'), 'x', type, {
        contentType: 'application/octet-stream',
        ext: '.dat',
      });
    });

    it('ignores other form fields', async () => {
      const filename = ctx.unique('with-fields.txt');
      const res = await ctx.upload([
        { field: 'note', value: 'ignored' },
        { filename, contentType: 'text/plain', data: 'x' },
        { field: 'other', value: 'ignored too' },
      ]);
      expect(res.status).toBe(201);
      expect(res.json<Media>().filename).toBe(filename);
    });

    it('no file field: 400 missing_file', async () => {
      const res = await ctx.upload([{ field: 'note', value: 'no file here' }]);
      expectError(res, 400, 'missing_file');
    });

    it('a file under another field name: 400 missing_file', async () => {
      const res = await ctx.upload([
        {
          field: 'attachment',
          filename: ctx.unique('x.txt'),
          contentType: 'text/plain',
          data: 'x',
        },
      ]);
      expectError(res, 400, 'missing_file');
    });

    it('an empty filename (a form sent with no file chosen): 400 missing_file', async () => {
      const res = await ctx.upload([
        { filename: '', contentType: 'application/octet-stream', data: '' },
      ]);
      expectError(res, 400, 'missing_file');
    });

    it.each([
      ['a JSON body', 'application/json', '{"file":"x"}'],
      ['a urlencoded form', 'application/x-www-form-urlencoded', 'file=x'],
      ['text', 'text/plain', 'file'],
    ])('not multipart (%s): 415 unsupported_media_type', async (_name, type, body) => {
      const res = await ctx.http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expectError(res, 415, 'unsupported_media_type');
    });

    it('no body and no Content-Type: 415 unsupported_media_type', async () => {
      const res = await ctx.http.request('/api/media', { method: 'POST' });
      expectError(res, 415, 'unsupported_media_type');
    });

    it('a malformed multipart body: 400, not a 5xx', async () => {
      const res = await ctx.http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        body: 'this is not multipart at all',
      });
      expectError(res, 400, ['bad_request', 'missing_file']);
    });

    describe('larger than MAX_UPLOAD_BYTES', () => {
      const oversized = async (withLength: boolean) => {
        const filename = ctx.unique('too-big.bin');
        const before =
          ctx.target.storage === 'file' && ctx.target.mediaRoot
            ? await listFiles(ctx.target.mediaRoot)
            : [];
        const body = streamedMultipart(filename, contractMaxUploadBytes + 64 * 1024);
        const res = await ctx.http.request('/api/media', {
          method: 'POST',
          headers: {
            'content-type': body.contentType,
            // A client that would keep the connection: a 413 closes it all the same, since
            // the rest of the body is never read.
            connection: 'keep-alive',
            ...(withLength ? { 'content-length': String(body.length) } : {}),
          },
          body: body.body(),
          timeoutMs: 60_000,
        });
        expectError(res, 413, 'payload_too_large');
        expect(res.header('connection') ?? '(none)', 'Connection on a 413').toMatch(/\bclose\b/i);
        // Nothing kept: no row...
        const all = await ctx.listAll();
        expect(all.filter((m) => m.filename === filename)).toEqual([]);
        // ...and no object (checked on disk when the suite can see the media root).
        // Cleanup may finish just after the answer (a temporary file being removed), so
        // this waits up to 3 s; a file that stays is a leak.
        if (ctx.target.storage === 'file' && ctx.target.mediaRoot) {
          let after = await listFiles(ctx.target.mediaRoot);
          for (let i = 0; i < 60 && after.join('\n') !== before.join('\n'); i++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            after = await listFiles(ctx.target.mediaRoot);
          }
          const added = after.filter((f) => !before.includes(f));
          expect(added, `files left in ${ctx.target.mediaRoot}`).toEqual([]);
          expect(after).toEqual(before);
        }
        // And the server is fine afterwards.
        const health = await ctx.http.get('/api/info');
        expect(health.status).toBe(200);
      };

      it('streamed (chunked): 413 payload_too_large, Connection: close, no row, no object', async () => {
        await oversized(false);
      });

      it('with a Content-Length: 413 payload_too_large, Connection: close, no row, no object', async () => {
        await oversized(true);
      });
    });
  });
}
