import { describe, expect, it } from 'vitest';
import { escapeParam, multipartBody, streamedMultipart } from '../src/multipart.js';

describe('multipartBody', () => {
  it('writes file and text parts the way browsers do', () => {
    const { contentType, body } = multipartBody(
      [
        { field: 'note', value: 'hi' },
        { filename: 'café "q".png', contentType: 'image/png', data: Buffer.from([1, 2, 3]) },
        { filename: 'n.txt', contentType: null, data: 'x' },
      ],
      'BOUND',
    );
    expect(contentType).toBe('multipart/form-data; boundary=BOUND');
    const expected = Buffer.concat([
      Buffer.from('--BOUND\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n'),
      Buffer.from(
        '--BOUND\r\nContent-Disposition: form-data; name="file"; filename="café %22q%22.png"\r\nContent-Type: image/png\r\n\r\n',
        'utf8',
      ),
      Buffer.from([1, 2, 3]),
      Buffer.from(
        '\r\n--BOUND\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\n\r\nx\r\n',
      ),
      Buffer.from('--BOUND--\r\n'),
    ]);
    expect(body.equals(expected)).toBe(true);
  });

  it('escapes quotes, CR and LF in parameters, nothing else', () => {
    expect(escapeParam('a"b\r\nc\\d\u0001')).toBe('a%22b%0D%0Ac\\d\u0001');
  });

  it('sends a hand-made Content-Disposition as is', () => {
    const { body } = multipartBody(
      [
        {
          filename: 'ignored.txt',
          disposition: `form-data; name="file"; filename*=UTF-8''%E6%9D%B1.txt`,
          contentType: null,
          data: 'x',
        },
      ],
      'B',
    );
    expect(body.toString('latin1')).toBe(
      `--B\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%E6%9D%B1.txt\r\n\r\nx\r\n--B--\r\n`,
    );
  });

  it('uses a fresh random boundary per body', () => {
    expect(multipartBody([]).contentType).not.toBe(multipartBody([]).contentType);
  });
});

describe('streamedMultipart', () => {
  it('generates exactly `length` bytes with the file in one part', async () => {
    const streamed = streamedMultipart('big.bin', 200_000, 'application/octet-stream', 'B');
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.body()) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    expect(body.length).toBe(streamed.length);
    const head = body.indexOf('\r\n\r\n') + 4;
    const tail = Buffer.from('\r\n--B--\r\n');
    expect(body.subarray(body.length - tail.length).equals(tail)).toBe(true);
    expect(body.length - head - tail.length).toBe(200_000);
    expect(body.toString('latin1', 0, head)).toContain('filename="big.bin"');
  });

  it('can be iterated twice', async () => {
    const streamed = streamedMultipart('x', 10);
    let total = 0;
    for (let i = 0; i < 2; i++) {
      for await (const chunk of streamed.body()) total += chunk.length;
    }
    expect(total).toBe(streamed.length * 2);
  });
});
