// The knex queries behind the media service. Rows are read newest first with keyset
// pagination on (created_at, id), which stays fast and stable however many rows exist.
import type { Knex } from 'knex';
import { DEFAULT_QUERY_TIMEOUT_MS } from './database.js';

export interface MediaRecord {
  id: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

interface MediaRow {
  id: string;
  key: string;
  filename: string;
  content_type: string;
  size: number | string | bigint;
  created_at: Date | string | number;
}

export interface PageCursor {
  createdAt: Date;
  id: string;
}

const TABLE = 'media';

// PostgreSQL returns bigint as a string, SQLite stores Dates as milliseconds, MySQL gives Dates.
function toDate(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  return new Date(/^\d+$/.test(value) ? Number(value) : value);
}

function fromRow(row: MediaRow): MediaRecord {
  return {
    id: row.id,
    key: row.key,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    createdAt: toDate(row.created_at),
  };
}

export class MediaRepository {
  /**
   * `timeoutMs` bounds every query (knex's `.timeout`, which fails with KnexTimeoutError, a
   * 503): the drivers' own timers cover connecting, and node-postgres's each query, but
   * mysql2 has no per-connection query timeout.
   */
  private readonly knex: Knex;
  private readonly timeoutMs: number;

  constructor(knex: Knex, timeoutMs = DEFAULT_QUERY_TIMEOUT_MS) {
    this.knex = knex;
    this.timeoutMs = timeoutMs;
  }

  async insert(record: MediaRecord): Promise<void> {
    await this.knex<MediaRow>(TABLE)
      .insert({
        id: record.id,
        key: record.key,
        filename: record.filename,
        content_type: record.contentType,
        size: record.size,
        created_at: record.createdAt,
      })
      .timeout(this.timeoutMs);
  }

  async findById(id: string): Promise<MediaRecord | undefined> {
    const row = await this.knex<MediaRow>(TABLE).where({ id }).first().timeout(this.timeoutMs);
    return row ? fromRow(row as MediaRow) : undefined;
  }

  async findByKey(key: string): Promise<MediaRecord | undefined> {
    const row = await this.knex<MediaRow>(TABLE).where({ key }).first().timeout(this.timeoutMs);
    return row ? fromRow(row as MediaRow) : undefined;
  }

  /** Up to `limit` rows older than `after` (or the newest when absent), newest first. */
  async page(limit: number, after?: PageCursor): Promise<MediaRecord[]> {
    const query = this.knex<MediaRow>(TABLE)
      .select('*')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)
      .timeout(this.timeoutMs);
    if (after) {
      query.where((q) =>
        q
          .where('created_at', '<', after.createdAt)
          .orWhere((q2) =>
            q2.where('created_at', '=', after.createdAt).andWhere('id', '<', after.id),
          ),
      );
    }
    const rows = (await query) as MediaRow[];
    return rows.map(fromRow);
  }

  /**
   * Deletes the row inside a transaction and runs `whileLocked` (the object deletion)
   * before committing: when `whileLocked` throws, the row is restored by the rollback.
   * Returns false when there was no such row.
   */
  async deleteWith(
    id: string,
    whileLocked: (record: MediaRecord) => Promise<void>,
  ): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const row = await trx<MediaRow>(TABLE).where({ id }).first().timeout(this.timeoutMs);
      if (!row) return false;
      const deleted = await trx<MediaRow>(TABLE).where({ id }).delete().timeout(this.timeoutMs);
      if (deleted === 0) return false;
      await whileLocked(fromRow(row as MediaRow));
      return true;
    });
  }
}
