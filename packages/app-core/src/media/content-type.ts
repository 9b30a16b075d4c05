// The declared content type of an upload, and whether a browser may render it: anything it
// could execute (HTML, SVG, XML, scripts, unknown types) is served as a download.
import { encodeExtended, format } from 'content-disposition';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// RFC 9110 `token` characters for the type and the subtype.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MIME_ESSENCE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/**
 * The declared type, lower-cased and without parameters, when it is a well-formed
 * `type/subtype`; else `application/octet-stream`. (A part with no Content-Type at all
 * arrives here as `text/plain`, the multipart parser's RFC 7578 default.)
 */
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

/**
 * `attachment; filename*=UTF-8''...` (RFC 6266 with the RFC 8187 encoding, whatever the
 * name's characters) for content that must be downloaded, else `undefined`. Built with the
 * `content-disposition` package's own formatter and encoder; its `create()` is not used
 * because it sends ASCII names as a plain `filename=` only, and the contract names one form.
 */
export function contentDisposition(filename: string, contentType: string): string | undefined {
  if (isInlineSafe(contentType)) return undefined;
  return format({ type: 'attachment', parameters: { 'filename*': encodeExtended(filename) } });
}
