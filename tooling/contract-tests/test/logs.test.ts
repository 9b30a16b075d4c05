import { describe, expect, it } from 'vitest';
import { requestLogLines } from '../src/suite/logs.js';

describe('requestLogLines', () => {
  const logs = [
    '{"level":"info","msg":"listening"}',
    '{"level":"info","reqId":"abc","method":"GET","url":"/x","status":200,"responseTime":1.5}',
    '{"level":"warn","reqId":"abc","msg":"slow"}',
    '{"level":"info","reqId":"abcd","method":"GET","url":"/y","status":404,"responseTime":0.5}',
    '',
  ].join('\n');

  it('finds the request lines (with a status) of exactly that id', () => {
    expect(requestLogLines(logs, 'abc')).toEqual([
      { level: 'info', reqId: 'abc', method: 'GET', url: '/x', status: 200, responseTime: 1.5 },
    ]);
    expect(requestLogLines(logs, 'abcd')).toHaveLength(1);
    expect(requestLogLines(logs, 'nope')).toEqual([]);
  });

  it('refuses a non-JSON line that mentions the id', () => {
    expect(() => requestLogLines('GET /x abc 200\n', 'abc')).toThrow(/not JSON: GET \/x abc 200/);
  });
});
