import { DivioEnvError } from './errors.js';

const TRUE_WORDS = new Set(['true', '1', 'on', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'off', 'no', 'n']);

export const BOOLEAN_EXPECTED = 'a boolean: true, 1, on, yes, y / false, 0, off, no, n (any case)';

/** Divio's boolean words; `undefined` for anything else. Trimmed, any case. */
export function toBoolean(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/**
 * Parses a boolean the way Divio does: `true 1 on yes y` / `false 0 off no n`, any case,
 * surrounding whitespace ignored. Anything else throws a `DivioEnvError` naming `variable`.
 */
export function parseBoolean(value: string, variable = 'value'): boolean {
  const result = toBoolean(value);
  if (result === undefined) {
    throw new DivioEnvError([{ variable, expected: BOOLEAN_EXPECTED, value }]);
  }
  return result;
}
