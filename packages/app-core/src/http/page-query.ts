// `GET /api/media?limit=N&cursor=C`: the query values, as received, into page options.
import { DEFAULT_PAGE_SIZE, decodeCursor, invalidCursor, MAX_PAGE_SIZE } from '../media/cursor.js';
import type { PageCursor } from '../media/repository.js';
import { HttpError } from './errors.js';

export interface PageQuery {
  limit: number;
  cursor?: PageCursor;
}

/**
 * `limit` a whole number from 1 to 100 (default 20), `cursor` one this API handed out;
 * anything else (a repeated parameter too) is `400 invalid_query` naming the field.
 */
export function parsePageQuery(query: { limit?: unknown; cursor?: unknown }): PageQuery {
  let limit = DEFAULT_PAGE_SIZE;
  if (query.limit !== undefined) {
    const raw = query.limit;
    if (
      typeof raw !== 'string' ||
      !/^\d{1,3}$/.test(raw) ||
      Number(raw) < 1 ||
      Number(raw) > MAX_PAGE_SIZE
    ) {
      throw new HttpError(
        400,
        'invalid_query',
        `limit: expected a whole number from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    limit = Number(raw);
  }
  if (query.cursor === undefined) return { limit };
  if (typeof query.cursor !== 'string') throw invalidCursor();
  return { limit, cursor: decodeCursor(query.cursor) };
}
