// The client's filename (docs/contract.md, POST /api/media): kept for display and for the
// download's Content-Disposition only, never as part of a storage key (see keys.ts).
import { posix } from 'node:path';

/** The name used when nothing usable is left of the client's filename. */
export const DEFAULT_FILENAME = 'upload';
export const MAX_FILENAME_LENGTH = 255;

// C0 and C1 control characters (including DEL).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Browsers send `"`, CR and LF in multipart filenames as `%22`, `%0D` and `%0A` (the HTML
 * standard's form encoding) and multipart parsers leave them so: undo exactly these three.
 */
function decodeFormEscapes(filename: string): string {
  return filename.replace(/%(22|0D|0A)/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * The client's filename as shown to users (after undoing the form escapes `%22`, `%0D`,
 * `%0A`): the last path segment (both `/` and `\` count), Unicode in NFC, control
 * characters removed, at most 255 characters (code points; the extension survives
 * truncation). Empty, `.` and `..` become `upload`.
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
