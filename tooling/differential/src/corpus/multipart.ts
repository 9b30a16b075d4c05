// Broken and unusual uploads: the request's Content-Type, the multipart framing, the
// parts' headers, the body size, and bodies whose Content-Length lies (raw sockets).
import { contractMaxUploadBytes } from '@divio-samples/contract-tests';
import type { CorpusEntry } from '../types.js';
import { BOUNDARY, FORM_TYPE, filePart, form, raw, rawHead, textPart, upload } from './form.js';

const file = (type: string | null, name = 'typed.bin') => [
  filePart(name, `content of ${name}`, type),
];

export const partTypes: CorpusEntry[] = [
  upload('part without Content-Type', file(null, 'untyped.bin'), { as: 'untyped' }),
  upload('part without Content-Type, .png name', file(null, 'untyped.png')),
  upload('part Content-Type: image', file('image')),
  upload('part Content-Type: image/png/x', file('image/png/x')),
  upload('part Content-Type: ;;;', file(';;;')),
  upload('part Content-Type: (empty)', file('')),
  upload('part Content-Type: text/plain; charset=utf-8', file('text/plain; charset=utf-8')),
  upload('part Content-Type: IMAGE/PNG', file('IMAGE/PNG')),
  upload('part Content-Type: image/svg+xml; x="a;b"', file('image/svg+xml; x="a;b"')),
  upload('part Content-Type: text/html (as .txt)', file('text/html', 'looks-harmless.txt')),
  upload('part Content-Type: application/x-evil', file('application/x-evil')),
  upload('part Content-Type: ∕∕ (unicode)', file('text∕plain')),
];

export const framing: CorpusEntry[] = [
  upload('Content-Type: multipart/form-data (no boundary)', file('text/plain'), {
    contentType: 'multipart/form-data',
  }),
  upload('Content-Type: multipart/form-data; boundary= (empty)', file('text/plain'), {
    contentType: 'multipart/form-data; boundary=',
  }),
  upload('wrong boundary', file('text/plain'), {
    contentType: 'multipart/form-data; boundary=not-the-one',
  }),
  upload('quoted boundary', file('text/plain', 'quoted.txt'), {
    contentType: `multipart/form-data; boundary="${BOUNDARY}"`,
  }),
  upload('boundary of 100 characters', file('text/plain', 'long-boundary.txt'), {
    contentType: `multipart/form-data; boundary=${'b'.repeat(100)}`,
    form: { boundary: 'b'.repeat(100) },
  }),
  upload('MULTIPART/FORM-DATA upper case', file('text/plain', 'upper.txt'), {
    contentType: `MULTIPART/FORM-DATA; BOUNDARY=${BOUNDARY}`,
  }),
  upload('multipart/mixed', file('text/plain'), {
    contentType: `multipart/mixed; boundary=${BOUNDARY}`,
  }),
  upload('application/json', file('text/plain'), { contentType: 'application/json' }),
  upload('text/plain', file('text/plain'), { contentType: 'text/plain' }),
  upload('no Content-Type', file('text/plain'), { contentType: null }),
  upload('truncated (no closing delimiter)', file('text/plain', 'truncated.txt'), {
    form: { unterminated: true },
  }),
  upload('preamble and epilogue', file('text/plain', 'preamble.txt'), {
    form: { preamble: 'ignore me', epilogue: 'and me' },
  }),
  upload('bare LF line endings', file('text/plain', 'lf.txt'), { form: { eol: '\n' } }),
  upload('no parts', []),
  {
    name: 'POST /api/media [empty body]',
    method: 'POST',
    path: '/api/media',
    headers: [['Content-Type', FORM_TYPE]],
  },
  {
    name: 'POST /api/media [garbage body]',
    method: 'POST',
    path: '/api/media',
    headers: [['Content-Type', FORM_TYPE]],
    body: 'this is not multipart at all',
  },
];

export const parts: CorpusEntry[] = [
  upload('two file parts', [filePart('first.txt', 'first'), filePart('second.txt', 'second')]),
  upload('file field named upload', [filePart('other-field.txt', 'x', 'text/plain', 'upload')]),
  upload('file field named FILE', [filePart('upper-field.txt', 'x', 'text/plain', 'FILE')]),
  upload('file field named file[]', [filePart('array-field.txt', 'x', 'text/plain', 'file[]')]),
  upload('200 fields before the file', [
    ...Array.from({ length: 200 }, (_, i) => textPart(`field${i}`, `value ${i}`)),
    filePart('after-fields.txt', 'after 200 fields'),
  ]),
  upload('a field after the file', [filePart('before-field.txt', 'x'), textPart('note', 'late')]),
  upload('a text field named file, then the file', [
    textPart('file', 'not a file'),
    filePart('after-text-file.txt', 'x'),
  ]),
  upload('empty file', [filePart('empty.txt', '')]),
  upload('file part without a filename', [
    {
      headers: ['Content-Disposition: form-data; name="file"', 'Content-Type: text/plain'],
      data: 'x',
    },
  ]),
  upload('part without Content-Disposition', [
    { headers: ['Content-Type: text/plain'], data: 'x' },
  ]),
  upload('Content-Disposition: attachment', [
    {
      headers: ['Content-Disposition: attachment; name="file"; filename="attached.txt"'],
      data: 'x',
    },
  ]),
  upload('part with Content-Transfer-Encoding: base64', [
    {
      headers: [
        'Content-Disposition: form-data; name="file"; filename="b64.txt"',
        'Content-Type: text/plain',
        'Content-Transfer-Encoding: base64',
      ],
      data: 'aGVsbG8=',
    },
  ]),
  upload('part header line of 20000 bytes', [
    {
      headers: [
        'Content-Disposition: form-data; name="file"; filename="big-header.txt"',
        `X-Padding: ${'p'.repeat(20000)}`,
      ],
      data: 'x',
    },
  ]),
];

const limit = contractMaxUploadBytes;
/**
 * A body that stops before its closing delimiter, for requests whose client ends early:
 * whether a complete form inside a longer declared body gets stored before the app sees
 * the end is a race, and a differential test must not depend on timing.
 */
const unfinished = form([filePart('unfinished.txt', 'the client stops here')], {
  unterminated: true,
});
export const sizes: CorpusEntry[] = [
  upload('file of MAX_UPLOAD_BYTES + 1', [
    filePart('too-big.bin', Buffer.alloc(limit + 1, 1), 'application/octet-stream'),
  ]),
  upload('file of exactly MAX_UPLOAD_BYTES', [
    filePart('exact.bin', Buffer.alloc(limit, 2), 'application/octet-stream'),
  ]),
  {
    name: 'POST /api/media [Content-Length: MAX_UPLOAD_BYTES + 1, small body, ended]',
    method: 'POST',
    path: '/api/media',
    raw: {
      head: rawHead('POST /api/media HTTP/1.1', [
        `Content-Type: ${FORM_TYPE}`,
        `Content-Length: ${limit + 1}`,
      ]),
      body: unfinished,
      afterWrite: 'end',
    },
  },
];

/** One small valid upload, for the framing cases below. */
const body = form([filePart('raw.txt', 'sent over a raw socket')]);
const head = (extra: string[]) =>
  rawHead('POST /api/media HTTP/1.1', [`Content-Type: ${FORM_TYPE}`, ...extra]);
function chunked(data: Buffer, chunk = 16): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunk) {
    const piece = data.subarray(at, at + chunk);
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}
const post = (note: string, request: Parameters<typeof raw>[3]) =>
  raw(`POST /api/media [${note}]`, 'POST', '/api/media', request);

export const lyingBodies: CorpusEntry[] = [
  post('Content-Length too short', { head: head([`Content-Length: ${body.length - 20}`]), body }),
  post('Content-Length too long, then the client ends', {
    head: head([`Content-Length: ${body.length + 100}`]),
    body: unfinished,
    afterWrite: 'end',
  }),
  {
    ...post('Content-Length too long, connection left open', {
      head: head([`Content-Length: ${body.length + 100}`]),
      body,
    }),
    // The rest never comes: the server's idle timeout (IDLE_TIMEOUT_MS, 2 s in the contract's
    // environment) answers 408 request_timeout. The client waits well past that, so a busy
    // machine delays the answer without turning it into a client-side timeout.
    timeoutMs: 10_000,
  },
  post('Content-Length: abc', { head: head(['Content-Length: abc']), body }),
  post('two different Content-Length', {
    head: head([`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`]),
    body,
  }),
  post('Transfer-Encoding: chunked', {
    head: head(['Transfer-Encoding: chunked']),
    body: chunked(body),
  }),
  post('chunked, cut short, then the client ends', {
    head: head(['Transfer-Encoding: chunked']),
    body: chunked(body).subarray(0, 60),
    afterWrite: 'end',
  }),
  post('Content-Length and Transfer-Encoding', {
    head: head([`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked']),
    body: chunked(body),
  }),
  post('Expect: 100-continue', {
    head: head([`Content-Length: ${body.length}`, 'Expect: 100-continue']),
    body,
  }),
  post('headers only, then the client ends', {
    head: head([`Content-Length: ${body.length}`]),
    afterWrite: 'end',
  }),
];
