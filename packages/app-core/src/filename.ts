// The rules for what a client may choose about an upload (docs/contract.md, POST /api/media):
// its filename is kept for display only, the storage key never holds user text beyond a
// vetted extension, and the content type decides whether a browser may render the file.
import { posix } from 'node:path';

/** The name used when nothing usable is left of the client's filename. */
export const DEFAULT_FILENAME = 'upload';
export const MAX_FILENAME_LENGTH = 255;
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// C0 and C1 control characters (including DEL).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const EXTENSION = /^\.[a-z0-9]{1,10}$/;
// RFC 7230 `token` characters for the type and the subtype.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MIME_ESSENCE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/**
 * Browsers send `"`, CR and LF in multipart filenames as `%22`, `%0D` and `%0A` (the HTML
 * standard's form encoding) and multipart parsers leave them so: undo exactly these three.
 */
export function decodeFormEscapes(filename: string): string {
  return filename.replace(/%(22|0D|0A)/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * The client's filename as shown to users (after undoing the form escapes `%22`, `%0D`, `%0A`): the last path segment (both `/` and `\` count),
 * Unicode in NFC, control characters removed, at most 255 characters (code points; the
 * extension survives truncation). Empty, `.` and `..` become `upload`.
 */
export function sanitizeFilename(raw: string | undefined | null): string {
  if (!raw) return DEFAULT_FILENAME;
  const cleaned = decodeFormEscapes(raw).normalize('NFC').replace(CONTROL, '');
  const segment = cleaned.split(/[\\/]/).pop() ?? '';
  if (segment === '' || segment === '.' || segment === '..') return DEFAULT_FILENAME;
  return truncate(segment, MAX_FILENAME_LENGTH);
}

function truncate(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const ext = Array.from(posix.extname(name));
  if (ext.length > 0 && ext.length <= 16) {
    return chars.slice(0, max - ext.length).join('') + ext.join('');
  }
  return chars.slice(0, max).join('');
}

/** The lower-cased extension (`.png`) when it is 1 to 10 ASCII letters or digits, else `''`. */
export function safeExtension(filename: string): string {
  const ext = posix.extname(filename).toLowerCase();
  return EXTENSION.test(ext) ? ext : '';
}

/** The storage key of a media item: `media/<id><ext>`. */
export function mediaKey(id: string, filename: string): string {
  return `media/${id}${safeExtension(filename)}`;
}

/** The declared type, lower-cased, when it is a well-formed `type/subtype`; else octet-stream. */
export function normalizeContentType(declared: string | undefined | null): string {
  if (!declared) return DEFAULT_CONTENT_TYPE;
  const essence = declared.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return MIME_ESSENCE.test(essence) ? essence : DEFAULT_CONTENT_TYPE;
}

const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'text/plain',
  'application/pdf',
]);

/**
 * Whether a browser may show the content inline. Anything it could execute or that could
 * carry script (HTML, SVG, XML, JavaScript, unknown types, ...) must be a download instead.
 */
export function isInlineSafe(contentType: string): boolean {
  return (
    INLINE_TYPES.has(contentType) ||
    contentType.startsWith('video/') ||
    contentType.startsWith('audio/')
  );
}

/** Percent-encodes for an RFC 8187 `filename*` value (UTF-8, attr-char kept). */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename*=UTF-8''...` for content that must be downloaded, else `undefined`. */
export function contentDisposition(filename: string, contentType: string): string | undefined {
  if (isInlineSafe(contentType)) return undefined;
  return `attachment; filename*=UTF-8''${encodeExtValue(filename)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const KEY =
  /^media\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,10})?$/;

/** Whether `key` has the exact shape `mediaKey` produces (used to vet `/media/<key>` paths). */
export function isMediaKey(key: string): boolean {
  return KEY.test(key);
}
