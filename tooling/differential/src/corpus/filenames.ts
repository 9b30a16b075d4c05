// Odd filenames: path segments, dot names, blanks, control characters, quoting, the
// RFC 8187 `filename*` form, length, Unicode normalisation and bidi overrides. First as a
// browser sends them (`"`, CR, LF percent-encoded), then raw bytes a browser never sends.
import type { CorpusEntry } from '../types.js';
import { upload, uploadFilename } from './form.js';

const asBrowser: Array<[note: string, filename: string]> = [
  ['..', '..'],
  ['.', '.'],
  ['(only spaces)', '   '],
  ['a/b/c.txt', 'a/b/c.txt'],
  ['../../x.png', '../../x.png'],
  ['..\\..\\x.txt', '..\\..\\x.txt'],
  ['C:\\Users\\me\\x.txt', 'C:\\Users\\me\\x.txt'],
  ['/etc/passwd', '/etc/passwd'],
  ['dir/ (trailing slash)', 'dir/'],
  ['with a " quote', 'say "hi".txt'],
  ['with CR LF', 'line\r\nbreak.txt'],
  ['with a literal %22', 'pct%22.txt'],
  ['with a tab', 'tab\there.txt'],
  ['control characters', 'ctl\u0001\u001f\u007f.txt'],
  ['300 characters', `${'a'.repeat(300)}.txt`],
  ['300 two-byte characters', `${'é'.repeat(300)}.txt`],
  ['NFD é', 'cafe\u0301.txt'],
  ['NFC é', 'caf\u00e9.txt'],
  ['RTL override', 'photo\u202egnp.exe'],
  ['emoji', '📷 holiday.png'],
  ['HTML', '<b>bold</b> & "co".txt'],
  ['upper-case extension', 'PHOTO.PNG'],
  ['11-character extension', 'x.abcdefghijk'],
  ['double extension', 'archive.tar.gz'],
  ['dotfile', '.htaccess'],
  ['trailing dot', 'x.'],
  ['extension with a dash', 'x.p-g'],
  ['leading and trailing spaces', '  spaced.txt  '],
];

/** A file part whose Content-Disposition line is exactly `disposition` (bytes as given). */
const rawDisposition = (note: string, disposition: string | Buffer): CorpusEntry =>
  upload(`${note} (raw)`, [
    {
      headers: [
        typeof disposition === 'string' ? `Content-Disposition: ${disposition}` : disposition,
        'Content-Type: text/plain',
      ],
      data: 'raw disposition',
    },
  ]);

export const filenames: CorpusEntry[] = [
  ...asBrowser.map(([note, filename]) => uploadFilename(note, filename)),
  rawDisposition('filename with NUL', 'form-data; name="file"; filename="nul\0byte.txt"'),
  rawDisposition(
    'filename with a backslash-escaped quote',
    'form-data; name="file"; filename="a\\"b.txt"',
  ),
  rawDisposition('filename with a raw CR', 'form-data; name="file"; filename="cr\rhere.txt"'),
  rawDisposition('filename with a raw LF', 'form-data; name="file"; filename="lf\nhere.txt"'),
  rawDisposition('filename unquoted', 'form-data; name="file"; filename=plain.txt'),
  rawDisposition('filename unquoted with spaces', 'form-data; name="file"; filename=two words.txt'),
  rawDisposition('filename empty', 'form-data; name="file"; filename=""'),
  rawDisposition(
    'filename in Latin-1 (invalid UTF-8)',
    Buffer.concat([
      Buffer.from('Content-Disposition: form-data; name="file"; filename="caf'),
      Buffer.from([0xe9]),
      Buffer.from('.txt"'),
    ]),
  ),
  rawDisposition('filename* only', 'form-data; name="file"; filename*=UTF-8\'\'na%C3%AFve.txt'),
  rawDisposition(
    'filename and filename*',
    'form-data; name="file"; filename="fallback.txt"; filename*=UTF-8\'\'pr%C3%A9f%C3%A9r%C3%A9.txt',
  ),
  rawDisposition(
    'filename* then filename',
    'form-data; name="file"; filename*=UTF-8\'\'first%2A.txt; filename="second.txt"',
  ),
  rawDisposition('filename* with %00', 'form-data; name="file"; filename*=UTF-8\'\'a%00b.txt'),
  rawDisposition(
    'filename* with %0D%0A',
    'form-data; name="file"; filename*=UTF-8\'\'a%0D%0Ab.txt',
  ),
  rawDisposition('filename* with %22', 'form-data; name="file"; filename*=UTF-8\'\'a%22b.txt'),
  rawDisposition(
    'filename* with ../',
    'form-data; name="file"; filename*=UTF-8\'\'..%2F..%2Fescape.txt',
  ),
  rawDisposition(
    'filename* ISO-8859-1',
    'form-data; name="file"; filename*=ISO-8859-1\'\'caf%E9.txt',
  ),
  rawDisposition('filename* malformed', 'form-data; name="file"; filename*=UTF-8\'en\'%ZZbad.txt'),
  rawDisposition('filename* empty', 'form-data; name="file"; filename*=UTF-8\'\''),
  rawDisposition('filename* NFD', 'form-data; name="file"; filename*=UTF-8\'\'cafe%CC%81-star.txt'),
  rawDisposition(
    'filename twice',
    'form-data; name="file"; filename="one.txt"; filename="two.txt"',
  ),
];
