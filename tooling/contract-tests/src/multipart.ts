// multipart/form-data bodies built by hand, byte for byte the way browsers send them
// (raw UTF-8 filenames; `"`, CR and LF percent-encoded), so the suite controls exactly
// what the server's parser sees: odd filenames, missing or malformed part types,
// bodies streamed past the upload limit.
import { randomBytes } from 'node:crypto';

export interface FilePart {
  /** Form field name (default `file`). */
  field?: string;
  /** The filename as the client sends it. */
  filename: string;
  /** The part's `Content-Type`; `null` sends no header. Default `application/octet-stream`. */
  contentType?: string | null;
  /**
   * The whole `Content-Disposition` value, sent as is instead of the one built from `field`
   * and `filename` (for `filename*` and other hand-made parameters).
   */
  disposition?: string;
  data: Uint8Array | string;
}

export interface TextPart {
  field: string;
  value: string;
}

export type Part = FilePart | TextPart;

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** Escapes a parameter value the way the WHATWG HTML spec (and so every browser) does. */
export function escapeParam(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function newBoundary(): string {
  return `----contract-tests-${randomBytes(12).toString('hex')}`;
}

function isFilePart(part: Part): part is FilePart {
  return 'filename' in part;
}

function partHead(boundary: string, part: Part): Buffer {
  const lines = [`--${boundary}`];
  if (isFilePart(part)) {
    const field = escapeParam(part.field ?? 'file');
    const disposition =
      part.disposition ?? `form-data; name="${field}"; filename="${escapeParam(part.filename)}"`;
    lines.push(`Content-Disposition: ${disposition}`);
    const type = part.contentType === undefined ? 'application/octet-stream' : part.contentType;
    if (type !== null) lines.push(`Content-Type: ${type}`);
  } else {
    lines.push(`Content-Disposition: form-data; name="${escapeParam(part.field)}"`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

/** A complete multipart/form-data body in memory. */
export function multipartBody(parts: readonly Part[], boundary = newBoundary()): MultipartBody {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(partHead(boundary, part));
    const data = isFilePart(part) ? part.data : part.value;
    chunks.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

export interface StreamedMultipart {
  contentType: string;
  /** Exact byte length of the whole body. */
  length: number;
  /** A fresh iterator over the body, generated chunk by chunk (never held in memory). */
  body(): AsyncIterable<Uint8Array>;
}

/**
 * One file part of `size` bytes (a repeating pattern), generated lazily in 64 KiB
 * chunks: for bodies larger than the upload limit without holding them in memory.
 */
export function streamedMultipart(
  filename: string,
  size: number,
  contentType = 'application/octet-stream',
  boundary = newBoundary(),
): StreamedMultipart {
  const head = partHead(boundary, { filename, contentType, data: '' });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const block = Buffer.alloc(64 * 1024, 'contract-tests ');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
    async *body() {
      yield head;
      let left = size;
      while (left > 0) {
        const n = Math.min(left, block.length);
        yield n === block.length ? block : block.subarray(0, n);
        left -= n;
      }
      yield tail;
    },
  };
}
