import { describe, expect, it } from 'vitest';
import { parsePageQuery } from '../../src/http/page-query.js';
import { encodeCursor } from '../../src/media/cursor.js';

describe('page query and cursor', () => {
  it('accepts limit 1..100 and round-trips cursors', () => {
    expect(parsePageQuery({})).toEqual({ limit: 20 });
    expect(parsePageQuery({ limit: '1' }).limit).toBe(1);
    expect(parsePageQuery({ limit: '100' }).limit).toBe(100);
    const cursor = {
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      id: '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11',
    };
    expect(parsePageQuery({ cursor: encodeCursor(cursor) }).cursor).toEqual(cursor);
  });

  it.each([
    [{ limit: '0' }],
    [{ limit: '101' }],
    [{ limit: '-1' }],
    [{ limit: '1.5' }],
    [{ limit: 'ten' }],
    [{ limit: '' }],
    [{ limit: ['1', '2'] }],
    [{ cursor: 'not base64 !' }],
    [{ cursor: Buffer.from('2026-01-01T00:00:00.000Z|nope').toString('base64url') }],
    [
      {
        cursor: Buffer.from('yesterday|0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11').toString('base64url'),
      },
    ],
    [{ cursor: '' }],
    [{ cursor: ['a', 'b'] }],
  ])('400 invalid_query for %j', (query) => {
    expect(() => parsePageQuery(query)).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  });
});
