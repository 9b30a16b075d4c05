// multipart/form-data bodies byte for byte, with a fixed boundary so every app receives
// exactly the same bytes; plus the helpers the corpus files build their entries with.
import type { CorpusEntry, Header, RawRequest } from '../types.js';

export const BOUNDARY = 'differential-7d1f0c';

export interface FormPart {
  /** Header lines of the part; a Buffer line is sent as its bytes (for invalid UTF-8). */
  headers: ReadonlyArray<string | Buffer>;
  data: Uint8Array | string;
}

/** Escapes a parameter value the way browsers do (WHATWG HTML): `"`, CR, LF percent-encoded. */
export function browserEscape(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A file part as a browser sends it (`contentType: null`: no Content-Type line). */
export function filePart(
  filename: string,
  data: Uint8Array | string,
  contentType: string | null = 'text/plain',
  field = 'file',
): FormPart {
  const headers = [
    `Content-Disposition: form-data; name="${browserEscape(field)}"; filename="${browserEscape(filename)}"`,
  ];
  if (contentType !== null) headers.push(`Content-Type: ${contentType}`);
  return { headers, data };
}

export function textPart(field: string, value: string): FormPart {
  return { headers: [`Content-Disposition: form-data; name="${field}"`], data: value };
}

export interface FormOptions {
  boundary?: string;
  /** Line ending (default CRLF). */
  eol?: string;
  /** Leave out the closing delimiter. */
  unterminated?: boolean;
  preamble?: string;
  epilogue?: string;
}

export function form(parts: readonly FormPart[], options: FormOptions = {}): Buffer {
  const boundary = options.boundary ?? BOUNDARY;
  const eol = options.eol ?? '\r\n';
  const chunks: Buffer[] = [];
  if (options.preamble !== undefined) chunks.push(Buffer.from(`${options.preamble}${eol}`));
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}${eol}`));
    for (const line of part.headers) {
      chunks.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, Buffer.from(eol));
    }
    chunks.push(Buffer.from(eol));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from(eol));
  }
  if (!options.unterminated) chunks.push(Buffer.from(`--${boundary}--${eol}`));
  if (options.epilogue !== undefined) chunks.push(Buffer.from(options.epilogue));
  return Buffer.concat(chunks);
}

export const FORM_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** `POST <path> [note]` with a multipart body (Content-Type `FORM_TYPE` unless given). */
export function upload(
  note: string,
  parts: readonly FormPart[],
  options: { path?: string; as?: string; contentType?: string | null; form?: FormOptions } = {},
): CorpusEntry {
  const path = options.path ?? '/api/media';
  const contentType = options.contentType === undefined ? FORM_TYPE : options.contentType;
  const headers: Header[] = contentType === null ? [] : [['Content-Type', contentType]];
  return {
    name: `POST ${path} [${note}]`,
    // What it stores shows up as `<id:note>` (or `<id:as>`) in every later answer.
    as: options.as ?? note,
    method: 'POST',
    path,
    headers,
    body: form(parts, options.form),
  };
}

/** An upload of one text file with this filename, as a browser sends it. */
export function uploadFilename(note: string, filename: string): CorpusEntry {
  return upload(`filename ${note}`, [filePart(filename, `file named ${JSON.stringify(filename)}`)]);
}

/** A raw request's head: the request line, the default Host and X-Forwarded-Proto, `extra`. */
export function rawHead(requestLine: string, extra: readonly string[] = []): string[] {
  const named = (name: string) => extra.some((l) => l.toLowerCase().startsWith(`${name}:`));
  return [
    requestLine,
    ...(named('host') ? [] : ['Host: contract.example']),
    ...(named('x-forwarded-proto') ? [] : ['X-Forwarded-Proto: https']),
    ...extra,
  ];
}

/** A raw-socket entry: `name` labels it, `raw` is what is written. */
export function raw(name: string, method: string, path: string, request: RawRequest): CorpusEntry {
  return { name, method, path, raw: request };
}
