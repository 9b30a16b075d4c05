import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

describe('parseEnvFile', () => {
  it("parses the facts file's .env-local example", () => {
    const text = [
      'DATABASE_URL=postgres://postgres@database_default:5432/db',
      'DEFAULT_STORAGE_DSN=file:///data/media/?url=%2Fmedia%2F',
      'DOMAIN_ALIASES=localhost, 127.0.0.1, 0.0.0.0',
      'SECURE_SSL_REDIRECT=False',
      '',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      DATABASE_URL: 'postgres://postgres@database_default:5432/db',
      DEFAULT_STORAGE_DSN: 'file:///data/media/?url=%2Fmedia%2F',
      DOMAIN_ALIASES: 'localhost, 127.0.0.1, 0.0.0.0',
      SECURE_SSL_REDIRECT: 'False',
    });
  });

  const cases: [string, Record<string, string>][] = [
    ['# comment\nA=1', { A: '1' }],
    ['  # indented comment\n\n\nA=1', { A: '1' }],
    ['A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['\uFEFFA=1', { A: '1' }],
    ['A = 1', { A: '1' }],
    ['A=', { A: '' }],
    ['A=a=b=c', { A: 'a=b=c' }],
    ['A=value # comment', { A: 'value' }],
    ['A=val#ue', { A: 'val#ue' }],
    ['A=x\nA=y', { A: 'y' }],
    ['export A=1', { A: '1' }],
    ['A="quoted value"', { A: 'quoted value' }],
    ["A='single # not a comment'", { A: 'single # not a comment' }],
    ['A="x" # trailing comment', { A: 'x' }],
    ['A="line\\nbreak \\"q\\" \\\\"', { A: 'line\nbreak "q" \\' }],
    ["A='no \\n escapes'", { A: 'no \\n escapes' }],
    ['A="multi\nline"\nB=2', { A: 'multi\nline', B: '2' }],
    ['A=  spaced  ', { A: 'spaced' }],
    ['lower_case.key-x=1', { 'lower_case.key-x': '1' }],
    ['__proto__=x', { ['__proto__']: 'x' }],
  ];
  it.each(cases)('%j', (text, expected) => {
    const result = parseEnvFile(text);
    expect(Object.entries(result)).toEqual(Object.entries(expected));
  });

  it('lists every bad line with the file name, never the value', () => {
    const error = expectDivioEnvError(() =>
      parseEnvFile(
        'OK=1\nNO_EQUALS_SECRET\n1BAD=hidden-value\nQ="unterminated-secret\n',
        '.env-local',
      ),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      '.env-local:2',
      '.env-local:3',
      '.env-local:4',
    ]);
    expect(error.message).not.toMatch(/SECRET|hidden-value|unterminated-secret/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseEnvFile('A="x" y')).toThrow(/nothing but a comment/);
  });
});
