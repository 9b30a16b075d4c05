// `POST /api/media`: how the multipart body is read, the same in every app: a missing or
// empty boundary and an empty or cut-off body are `400 bad_request`; `filename` wins over a
// `filename*` sent with it (RFC 7578 section 4.2); too many parts or fields, or an oversized field, before the
// file part are `413 payload_too_large`; and a refused form stores nothing
// (docs/contract.md, "Uploads").
import { describe, expect, it } from 'vitest';
import { multipartBody, newBoundary, type Part } from '../multipart.js';
import type { ContractContext } from './context.js';
import { encodeRfc8187, expectError, type Media } from './expect.js';

/** `n` small text fields (`f0`, `f1`, ...). */
const fields = (n: number): Part[] =>
  Array.from({ length: n }, (_, i) => ({ field: `f${i}`, value: `v${i}` }));

export function defineUploadParsingTests(ctx: ContractContext): void {
  describe('POST /api/media: reading the multipart body', () => {
    const post = (contentType: string, body: string | Buffer) =>
      ctx.http.request('/api/media', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });

    /** Asserts that no item named `filename` was stored. */
    const notStored = async (filename: string) => {
      const all = await ctx.listAll();
      expect(all.filter((m) => m.filename === filename)).toEqual([]);
    };

    it.each([
      ['no boundary', 'multipart/form-data'],
      ['an empty boundary', 'multipart/form-data; boundary='],
      ['an empty quoted boundary', 'multipart/form-data; boundary=""'],
    ])('a multipart Content-Type with %s: 400 bad_request', async (_name, type) => {
      expectError(await post(type, 'x'), 400, 'bad_request');
    });

    it('an empty body: 400 bad_request', async () => {
      const boundary = newBoundary();
      expectError(await post(`multipart/form-data; boundary=${boundary}`, ''), 400, 'bad_request');
    });

    it('a body cut off inside the file: 400 bad_request, nothing stored', async () => {
      const filename = ctx.unique('truncated.txt');
      const { contentType, body } = multipartBody([
        { filename, contentType: 'text/plain', data: 'the whole file' },
      ]);
      // Everything up to the middle of the file's bytes: no closing boundary.
      const cut = body.subarray(0, body.indexOf('whole file'));
      expectError(await post(contentType, cut), 400, 'bad_request');
      await notStored(filename);
    });

    it('a body cut off inside the part headers: 400 bad_request', async () => {
      const boundary = newBoundary();
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filena`;
      expectError(
        await post(`multipart/form-data; boundary=${boundary}`, body),
        400,
        'bad_request',
      );
    });

    // RFC 7578 section 4.2: form data names the file with `filename`, never `filename*`.
    it.each([
      ['after filename', (plain: string, star: string) => `filename="${plain}"; ${star}`],
      ['before filename', (plain: string, star: string) => `${star}; filename="${plain}"`],
    ])('filename wins over a filename* sent with it (%s)', async (_order, params) => {
      const plain = ctx.unique('plain.txt');
      const star = `filename*=UTF-8''${encodeRfc8187('東京 café.png')}`;
      await ctx.uploadOk(plain, 'x', 'text/plain', {
        ext: '.txt',
        disposition: `form-data; name="file"; ${params(plain, star)}`,
      });
    });

    it('a lone filename* is read like filename (RFC 8187)', async () => {
      const wanted = ctx.unique('東京 café.png');
      await ctx.uploadOk('unused.txt', 'x', 'image/png', {
        filename: wanted,
        ext: '.png',
        disposition: `form-data; name="file"; filename*=UTF-8''${encodeRfc8187(wanted)}`,
      });
    });

    it('a filename* that decodes to a line break names no file: 400 missing_file', async () => {
      const boundary = newBoundary();
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''li%0D%0Ane.txt\r\n` +
        `Content-Type: text/plain\r\n\r\nx\r\n--${boundary}--\r\n`;
      expectError(
        await post(`multipart/form-data; boundary=${boundary}`, body),
        400,
        'missing_file',
      );
    });

    it('a lone filename* with a path is reduced to its last segment', async () => {
      await ctx.uploadOk('fallback.bin', 'x', 'text/plain', {
        filename: 'x.png',
        ext: '.png',
        disposition: `form-data; name="file"; filename*=UTF-8''..%2F..%2Fx.png`,
      });
    });

    describe('limits before the file part: 413 payload_too_large, nothing stored', () => {
      const refused = async (before: Part[]) => {
        const filename = ctx.unique('after-limit.txt');
        const { contentType, body } = multipartBody([
          ...before,
          { filename, contentType: 'text/plain', data: 'x' },
        ]);
        const res = await ctx.http.request('/api/media', {
          method: 'POST',
          headers: { 'content-type': contentType, connection: 'keep-alive' },
          body,
        });
        expectError(res, 413, 'payload_too_large');
        // Every 413 closes the connection.
        expect(res.header('connection') ?? '(none)', 'Connection on a 413').toMatch(/\bclose\b/i);
        await notStored(filename);
      };

      it('120 small fields', async () => {
        await refused(fields(120));
      });

      it('51 small fields (more than 50)', async () => {
        await refused(fields(51));
      });

      it('a field over 64 KiB', async () => {
        await refused([{ field: 'big', value: 'x'.repeat(64 * 1024 + 1) }]);
      });

      it('101 other parts (more than 100)', async () => {
        await refused(
          Array.from({ length: 101 }, (_, i) => ({
            field: `other${i}`,
            filename: `other${i}.txt`,
            contentType: 'text/plain',
            data: 'o',
          })),
        );
      });

      it('50 small fields are still fine: 201', async () => {
        const filename = ctx.unique('fifty-fields.txt');
        const res = await ctx.upload([
          ...fields(50),
          { filename, contentType: 'text/plain', data: 'x' },
        ]);
        expect(res.status, res.text().slice(0, 300)).toBe(201);
        expect(res.json<Media>().filename).toBe(filename);
      });
    });
  });
}
