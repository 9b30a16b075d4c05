// The streaming multipart reader over a real Node http server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../src/http/errors.js';
import { receiveFile } from '../../src/http/multipart.js';

const LIMIT = 1024;
let server: Server;
let base: string;
const received: { filename: string; mimeType: string | undefined; size: number }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    try {
      const result = await receiveFile(req, { maxBytes: LIMIT }, async (file) => {
        let size = 0;
        for await (const chunk of file.stream) size += (chunk as Buffer).length;
        return { filename: file.filename, mimeType: file.mimeType, size };
      });
      received.push(result);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (err) {
      const { status, body } = toErrorResponse(err, { debug: false });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function raw(parts: string[], boundary = 'XyZ'): { body: string; type: string } {
  return {
    body: `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`,
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

type Body = NonNullable<RequestInit['body']>;

async function post(body: Body | null, type?: string) {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    body,
    ...(type ? { headers: { 'content-type': type } } : {}),
    // biome-ignore lint/suspicious/noExplicitAny: undici's `duplex` is not in lib.dom's RequestInit
    ...({ duplex: 'half' } as any),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('receiveFile', () => {
  it('streams the file part with its filename and type, skipping other fields', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('other', new Blob(['not this one']), 'other.txt');
    form.append('file', new Blob(['hello'], { type: 'image/png' }), 'pic.png');
    form.append('file', new Blob(['second']), 'second.png');
    const res = await post(form);
    expect(res).toEqual({
      status: 200,
      json: { filename: 'pic.png', mimeType: 'image/png', size: 5 },
    });
  });

  it('keeps UTF-8 filenames and the path for the sanitizer', async () => {
    const { body, type } = raw([
      'Content-Disposition: form-data; name="file"; filename="../dir/caf\u00e9 \u6771\u4eac.txt"\r\nContent-Type: text/plain\r\n\r\nx',
    ]);
    const res = await post(Buffer.from(body, 'utf8'), type);
    expect(res.json).toMatchObject({ filename: '../dir/café 東京.txt', mimeType: 'text/plain' });
  });

  // What the parser reports; media.upload then keeps it when it is a well-formed type/subtype
  // and stores application/octet-stream otherwise (normalizeContentType).
  it.each([
    // RFC 7578 section 4.4: a part without Content-Type is text/plain.
    ['no Content-Type', '', 'text/plain'],
    ['an empty Content-Type', 'Content-Type: \r\n', 'text/plain'],
    ['garbage', 'Content-Type: not a type\r\n', 'not a type'],
    ['missing subtype', 'Content-Type: image/\r\n', 'image/'],
    ['text/plain', 'Content-Type: text/plain\r\n', 'text/plain'],
    ['text/plain with charset', 'Content-Type: text/plain; charset=utf-8\r\n', 'text/plain'],
    ['upper case', 'Content-Type: IMAGE/PNG\r\n', 'image/png'],
    ['image/svg+xml', 'Content-Type: image/svg+xml\r\n', 'image/svg+xml'],
  ])('declared type: %s', async (_name, header, expected) => {
    const { body, type } = raw([
      `Content-Disposition: form-data; name="note"\r\n\r\nfirst a field`,
      `Content-Disposition: form-data; name="file"; filename="a.bin"\r\n${header}\r\nx`,
    ]);
    const res = await post(body, type);
    expect(res.status).toBe(200);
    expect(res.json.mimeType).toBe(expected);
  });

  it('accepts exactly the limit and refuses one byte more with 413', async () => {
    const ok = new FormData();
    ok.append('file', new Blob([Buffer.alloc(LIMIT)]), 'exact.bin');
    expect((await post(ok)).json).toMatchObject({ size: LIMIT });

    const big = new FormData();
    big.append('file', new Blob([Buffer.alloc(LIMIT + 1)]), 'big.bin');
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses a large streamed body without reading it into memory', async () => {
    const boundary = 'big';
    const chunk = Buffer.alloc(64 * 1024, 97);
    async function* body() {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n`,
      );
      for (let i = 0; i < 160; i++) yield chunk; // 10 MiB
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const res = await post(
      Readable.from(body()) as unknown as Body,
      `multipart/form-data; boundary=${boundary}`,
    );
    expect(res.status).toBe(413);
  });

  it.each([
    ['JSON', 'application/json', '{}'],
    ['no type', undefined, 'x'],
    ['urlencoded', 'application/x-www-form-urlencoded', 'file=x'],
  ])('415 for a %s body', async (_name, type, body) => {
    const res = await post(body, type);
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it.each([
    ['no file part', raw(['Content-Disposition: form-data; name="note"\r\n\r\nhi'])],
    [
      'a file under another name',
      raw(['Content-Disposition: form-data; name="upload"; filename="a.txt"\r\n\r\nhi']),
    ],
    [
      'an empty filename',
      raw(['Content-Disposition: form-data; name="file"; filename=""\r\n\r\n']),
    ],
    [
      'a file part without filename',
      raw(['Content-Disposition: form-data; name="file"\r\n\r\nhi']),
    ],
  ])('400 missing_file for %s', async (_name, { body, type }) => {
    const res = await post(body, type);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'missing_file' } });
  });

  it.each([
    ['a body that is not multipart', 'multipart/form-data; boundary=xyz', 'not multipart at all'],
    ['no boundary', 'multipart/form-data', '--x\r\n\r\n'],
    ['an empty boundary', 'multipart/form-data; boundary=', '--\r\n\r\n'],
    ['an empty quoted boundary', 'multipart/form-data; boundary=""', '--\r\n\r\n'],
    ['an empty body', 'multipart/form-data; boundary=XyZ', ''],
    [
      'a body cut off in the file',
      'multipart/form-data; boundary=t',
      '--t\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf of it',
    ],
    [
      'a body cut off in the part headers',
      'multipart/form-data; boundary=t',
      '--t\r\nContent-Disposition: form-data; name="file"; filena',
    ],
  ])('400 bad_request for %s, with the one message', async (_name, type, body) => {
    const res = await post(body, type);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { code: 'bad_request', message: 'Malformed or incomplete multipart/form-data body' },
    });
  });

  // RFC 7578 section 4.2: form data names files with `filename` only. The parser reads a
  // lone `filename*` (RFC 8187) like `filename`; when both are sent, `filename` is used.
  describe('filename and filename* (RFC 7578 section 4.2)', () => {
    const disposition = (params: string) =>
      raw([`Content-Disposition: form-data; name="file"; ${params}\r\n\r\nx`]);
    const star = "filename*=UTF-8''%E6%9D%B1%E4%BA%AC%20caf%C3%A9.png";
    it.each([
      ['filename, then filename*', `filename="plain.txt"; ${star}`, 'plain.txt'],
      ['filename*, then filename', `${star}; filename="plain.txt"`, 'plain.txt'],
      ['filename* alone', star, '東京 café.png'],
      ['filename* alone, with a path', "filename*=UTF-8''..%2F..%2Fx.png", '../../x.png'],
    ])('%s', async (_name, params, filename) => {
      const { body, type } = disposition(params);
      const res = await post(body, type);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.filename).toBe(filename);
    });

    it('a filename* that decodes to a line break names no file (400 missing_file)', async () => {
      const { body, type } = disposition("filename*=UTF-8''li%0D%0Ane.txt");
      const res = await post(body, type);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'missing_file' } });
    });
  });

  describe('limits before the file part: 413, one message', () => {
    const fields = (n: number, size = 2) =>
      Array.from(
        { length: n },
        (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\n${'v'.repeat(size)}`,
      );
    const file = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi';
    it.each([
      ['51 fields', fields(51)],
      ['a field over 64 KiB', fields(1, 64 * 1024 + 1)],
      [
        '101 other parts',
        Array.from(
          { length: 101 },
          (_, i) => `Content-Disposition: form-data; name="o${i}"; filename="o.txt"\r\n\r\no`,
        ),
      ],
    ])('%s', async (_name, before) => {
      const { body, type } = raw([...before, file]);
      const res = await post(body, type);
      expect(res.status).toBe(413);
      expect(res.json).toEqual({
        error: {
          code: 'payload_too_large',
          message: 'The form has too many parts or fields, or a field that is too large',
        },
      });
    });

    it('50 fields and a 64 KiB field are fine', async () => {
      const { body, type } = raw([...fields(49), ...fields(1, 64 * 1024), file]);
      const res = await post(body, type);
      expect(res.status).toBe(200);
    });
  });
});

// Next.js route handlers get a Web Request: its body stream goes through the same reader.
describe('receiveFile with a Web Request', () => {
  const read = (request: Request) =>
    receiveFile(request, { maxBytes: LIMIT }, async (file) => {
      let size = 0;
      for await (const chunk of file.stream) size += (chunk as Buffer).length;
      return { filename: file.filename, mimeType: file.mimeType, size };
    }).then(
      (value) => ({ status: 200, json: value as unknown }),
      (err: unknown) => {
        const { status, body } = toErrorResponse(err, { debug: false });
        return { status, json: body as unknown };
      },
    );
  const request = (body: Body | null, type?: string) =>
    new Request('http://app.test/', {
      method: 'POST',
      body,
      ...(type ? { headers: { 'content-type': type } } : {}),
      // biome-ignore lint/suspicious/noExplicitAny: undici's `duplex` is not in lib.dom's RequestInit
      ...({ duplex: 'half' } as any),
    });

  it('streams the file part from request.body', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'image/png' }), 'pic.png');
    expect(await read(request(form))).toEqual({
      status: 200,
      json: { filename: 'pic.png', mimeType: 'image/png', size: 5 },
    });
  });

  it('fails past the limit while the body streams (413), and a body cut short (400)', async () => {
    const big = raw([
      `Content-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n${'x'.repeat(LIMIT + 1)}`,
    ]);
    expect(await read(request(big.body, big.type))).toMatchObject({
      status: 413,
      json: { error: { code: 'payload_too_large' } },
    });
    const cut = raw(['Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nab']);
    expect(await read(request(cut.body.slice(0, -12), cut.type))).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request' } },
    });
  });

  it('refuses what is not multipart (415) and a request without a body (400)', async () => {
    expect(await read(request('{}', 'application/json'))).toMatchObject({ status: 415 });
    expect(await read(request(null, 'multipart/form-data; boundary=x'))).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request' } },
    });
  });

  it('a client that goes away mid-body is a 400, not a hang', async () => {
    const head = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n';
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`--XyZ\r\n${head}part`));
        setTimeout(() => controller.error(new Error('client went away')), 20);
      },
    });
    expect(await read(request(body, 'multipart/form-data; boundary=XyZ'))).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request' } },
    });
  });
});
