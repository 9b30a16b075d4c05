// The README documents every variable the code reads, and its examples are true.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDivioEnv, readStorage, toPublicJson } from '../src/index.js';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : [readFileSync(path, 'utf8')];
  });
}

describe('README', () => {
  const code = sources(join(pkg, 'src')).join('\n');
  const read = new Set(
    [...code.matchAll(/optional\(env, '([A-Z_]+)'\)/g)].map((m) => m[1] as string),
  );
  const splitSuffixes = /SPLIT_SUFFIXES = \[([^\]]+)\]/.exec(code)?.[1] ?? '';
  for (const suffix of splitSuffixes.matchAll(/'([A-Z_]+)'/g))
    read.add(`DEFAULT_STORAGE_${suffix[1]}`);
  for (const dsn of code.matchAll(/'([A-Z][A-Z_]*_(?:URL|DSN))'/g)) read.add(dsn[1] as string);
  read.add('DEFAULT_STORAGE_DSN'); // built as `${prefix}_STORAGE_DSN`
  const table = /## Variables\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';

  it('finds the variables in the source', () => {
    expect(read.size).toBeGreaterThanOrEqual(20);
  });
  it.each([...read].sort())('documents %s in the variables table', (name) => {
    const rows = table.split('\n').filter((line) => line.startsWith('| '));
    expect(rows.some((row) => row.split('|')[1]?.includes(`\`${name}\``))).toBe(true);
  });

  it('the emulator examples say what the code does', () => {
    const dsns = [...readme.matchAll(/^DEFAULT_STORAGE_DSN='([^']+)'\n((?:# .*\n)+)/gm)];
    expect(dsns).toHaveLength(2);
    let checked = 0;
    for (const [, dsn, comment] of dsns) {
      const config = readStorage({ DEFAULT_STORAGE_DSN: dsn });
      const json = JSON.stringify(config);
      // Every "key value" pair in the comment below the example.
      for (const [, key, value] of (comment as string).matchAll(/(\w+) (\S+?)(?:,|\n)/g)) {
        const actual = (config as unknown as Record<string, unknown>)[key as string];
        const shown =
          typeof actual === 'object' && actual !== null
            ? (actual as { kind: string }).kind
            : String(actual);
        expect(shown, `${key} in ${json}`).toBe(value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('the JSON contract lists the keys toPublicJson produces', () => {
    const json = toPublicJson(
      readDivioEnv({ DATABASE_URL: 'postgres://u:p@h/d' }, { onWarning() {} }),
    );
    const block = /### The JSON contract[\s\S]*?```jsonc\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    for (const key of [
      ...Object.keys(json),
      ...Object.keys(json.database),
      ...Object.keys(json.security),
    ]) {
      expect(block).toContain(`"${key}"`);
    }
  });
});
