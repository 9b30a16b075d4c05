// One key policy for every backend. A key is a relative, slash-separated path of plain
// segments, the same string on S3, Azure and disk, so the same key never means two things.
import { randomBytes } from 'node:crypto';
import { StorageError } from './errors.js';

/** Longest key in UTF-8 bytes (S3's limit; Azure allows more, file systems less per segment). */
export const MAX_KEY_BYTES = 1024;
/** Longest segment in UTF-8 bytes (the usual file-name limit). */
export const MAX_SEGMENT_BYTES = 255;

// C0 controls, DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `key` is not acceptable, or undefined when it is. The reason never repeats the key.
 *
 * Rules: non-empty, at most 1024 UTF-8 bytes; no leading or trailing `/`, no empty segment
 * (`a//b`); no backslash, NUL or other control character; no segment that starts with `.`
 * (rejects `.` and `..`, hidden files such as `.htaccess`, and the file backend's own
 * `.tmp`/`.meta` directories); no segment ending in `.` (Azure and Windows drop it);
 * every segment at most 255 UTF-8 bytes; valid Unicode.
 */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'key must be a string';
  if (key === '') return 'key must not be empty';
  if (LONE_SURROGATE.test(key)) return 'key must be valid Unicode';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    return `key must be at most ${MAX_KEY_BYTES} bytes (UTF-8)`;
  }
  if (CONTROL.test(key)) return 'key must not contain NUL or control characters';
  if (key.includes('\\')) return 'key must not contain a backslash';
  if (key.startsWith('/')) return 'key must be relative (no leading "/")';
  if (key.endsWith('/')) return 'key must not end with "/"';
  for (const segment of key.split('/')) {
    if (segment === '') return 'key must not contain an empty segment ("//")';
    if (segment === '.' || segment === '..') return 'key must not contain "." or ".." segments';
    if (segment.startsWith('.')) return 'key segments must not start with "."';
    if (segment.endsWith('.')) return 'key segments must not end with "."';
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      return `key segments must be at most ${MAX_SEGMENT_BYTES} bytes (UTF-8)`;
    }
  }
  return undefined;
}

/** Returns `key` when it follows the key policy; throws StorageError `InvalidKey` otherwise. */
export function validateKey(key: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new StorageError('InvalidKey', `Invalid key: ${problem}`);
  return key;
}

/**
 * Validates a `list()` prefix: empty, or a key prefix that could start a valid key
 * (`uploads/`, `uploads/ph`). Same rules as keys, except that it may end with `/`
 * and its last segment may be partial.
 */
export function validatePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  // A partial last segment may end in "." (`photo.` is a prefix of `photo.jpg`).
  const probe = trimmed.endsWith('.') ? `${trimmed}x` : trimmed;
  const problem = keyProblem(probe);
  if (problem !== undefined) {
    throw new StorageError('InvalidKey', `Invalid prefix: ${problem.replace(/^key/, 'prefix')}`);
  }
  return prefix;
}

export interface NewKeyOptions {
  /** Folder to put the key under, e.g. `uploads` or `avatars/`. Validated like a key. */
  prefix?: string;
  /** When the key is made (for the `YYYY/MM/` folders). Default: now. */
  date?: Date;
}

/**
 * A fresh key for an upload: `<prefix>/YYYY/MM/<32 hex>-<slug>.<ext>`. The random part makes
 * it unguessable and unique; the slug keeps the original name readable in URLs and listings.
 * The original file name is reduced to `[a-z0-9-]` (at most 60 characters) and a short
 * lower-case extension, so no user input reaches the key unfiltered.
 */
export function newKey(originalName = '', options: NewKeyOptions = {}): string {
  const date = options.date ?? new Date();
  const year = String(date.getUTCFullYear());
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const rawExt = dot > 0 ? base.slice(dot + 1) : '';
  const slug = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const ext = /^[a-z0-9]{1,10}$/i.test(rawExt) ? `.${rawExt.toLowerCase()}` : '';
  const id = randomBytes(16).toString('hex');
  const name = `${id}${slug ? `-${slug}` : ''}${ext}`;
  const prefix = options.prefix ? validateKey(options.prefix.replace(/\/+$/, '')) : '';
  return `${prefix ? `${prefix}/` : ''}${year}/${month}/${name}`;
}

/** A key as a URL path: each segment percent-encoded, slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
