// Keyset pagination: pages are ordered by (created_at desc, id desc) and continue after the
// last row of the previous page. The cursor is `base64url("<ISO time>|<id>")`: opaque to
// clients, validated strictly. (Offsets would skip or repeat rows while uploads happen.)
import { HttpError } from '../http/errors.js';
import { isUuid } from './keys.js';
import type { PageCursor } from './repository.js';

/** `limit` when the client gives none, and the most it may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString(
    'base64url',
  );
}

export const invalidCursor = (): HttpError =>
  new HttpError(400, 'invalid_query', 'cursor: not a cursor from this API');

/** The cursor `encodeCursor` made, or `400 invalid_query`. */
export function decodeCursor(text: string): PageCursor {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw invalidCursor();
  const [iso, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !iso || !id || !isUuid(id)) throw invalidCursor();
  const createdAt = new Date(iso);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) throw invalidCursor();
  return { createdAt, id };
}
