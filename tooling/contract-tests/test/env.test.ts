// contractEnv must be exactly the table in docs/contract.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contractEnv, contractMaxUploadBytes } from '../src/env.js';

const contractDoc = fileURLToPath(new URL('../../../docs/contract.md', import.meta.url));

/** The rows of the "Configuration the contract runs under" table: variable -> value cell. */
function contractTable(markdown: string): Map<string, string> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Configuration the contract'));
  if (!section)
    throw new Error('docs/contract.md: no "Configuration the contract runs under" section');
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `NAME` | value | why |  ->  ['', '`NAME`', 'value', 'why', '']
    const name = /^`([A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, cells[2] ?? '');
  }
  return rows;
}

/** The first `code span` of a cell, unescaped the way Markdown shows it (none inside code). */
function codeValue(cell: string): string | undefined {
  return /`([^`]*)`/.exec(cell)?.[1];
}

describe('contractEnv', () => {
  const table = contractTable(readFileSync(contractDoc, 'utf8'));

  it('has exactly the variables of the table in docs/contract.md', () => {
    expect(table.size).toBeGreaterThan(0);
    expect(Object.keys(contractEnv).sort()).toEqual([...table.keys()].sort());
  });

  it('has the values of the table (SECRET_KEY: "a fixed test value")', () => {
    for (const [name, cell] of table) {
      const value = contractEnv[name];
      if (name === 'SECRET_KEY') {
        expect(cell).toMatch(/fixed test value/);
        expect(value?.length ?? 0).toBeGreaterThanOrEqual(32);
        continue;
      }
      expect(value, name).toBe(codeValue(cell));
    }
  });

  it('aliases are anchored patterns with escaped dots', () => {
    expect(contractEnv.DOMAIN_ALIASES).toBe('localhost, 127\\.0\\.0\\.1');
  });

  it('is frozen, and MAX_UPLOAD_BYTES matches contractMaxUploadBytes', () => {
    expect(Object.isFrozen(contractEnv)).toBe(true);
    expect(Number(contractEnv.MAX_UPLOAD_BYTES)).toBe(contractMaxUploadBytes);
    expect(() => {
      (contractEnv as Record<string, string>).STAGE = 'live';
    }).toThrow(TypeError);
  });
});
