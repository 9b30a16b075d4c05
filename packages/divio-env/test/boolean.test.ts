import { describe, expect, it } from 'vitest';
import { DivioEnvError, parseBoolean } from '../src/index.js';

describe('parseBoolean', () => {
  const truthy = [
    'true',
    '1',
    'on',
    'yes',
    'y',
    'True',
    'TRUE',
    'On',
    'YES',
    'Y',
    ' yes ',
    '\ttrue\n',
  ];
  const falsy = ['false', '0', 'off', 'no', 'n', 'False', 'FALSE', 'Off', 'NO', 'N', ' 0 '];
  it.each(truthy)('%j is true', (value) => expect(parseBoolean(value)).toBe(true));
  it.each(falsy)('%j is false', (value) => expect(parseBoolean(value)).toBe(false));
  it.each(['', ' ', 'yess', '2', '-1', 't', 'f', 'nope', 'enabled', 'true1', '1.0', 'tru e'])(
    '%j is an error',
    (value) => {
      expect(() => parseBoolean(value, 'DEBUG')).toThrow(DivioEnvError);
      try {
        parseBoolean(value, 'DEBUG');
      } catch (error) {
        expect((error as DivioEnvError).problems[0]).toMatchObject({ variable: 'DEBUG', value });
      }
    },
  );
  it('names "value" when no variable is given', () => {
    expect(() => parseBoolean('x')).toThrow(
      /^Invalid Divio environment \(1 problem\):\n {2}- value:/,
    );
  });
});
