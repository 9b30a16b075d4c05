// `.env-local` files: KEY=VALUE lines, # comments, quotes tolerated.
import { DivioEnvError, type DivioEnvProblem } from './errors.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a `.env-local` style file the way docker compose reads an `env_file`:
 * - one `KEY=VALUE` per line, an optional `export ` before the key;
 * - blank lines and lines starting with `#` are skipped;
 * - unquoted values are trimmed, and ` #` starts a comment;
 * - `'single'` quotes keep the text as is; `"double"` quotes understand `\n`, `\t`,
 *   `\"` and `\\` and may span lines;
 * - `KEY` alone (no `=`) is an error, as are malformed keys and unterminated quotes.
 * The last assignment of a key wins. Problems name the line, never its value.
 */
export function parseEnvFile(text: string, fileName = '.env'): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  const problems: DivioEnvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq === -1) {
      problems.push({ variable: `${fileName}:${lineNo}`, expected: 'KEY=VALUE' });
      continue;
    }
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    if (!KEY.test(key)) {
      problems.push({
        variable: `${fileName}:${lineNo}`,
        expected: 'a variable name of letters, digits and _ before the =',
      });
      continue;
    }
    let value = line.slice(eq + 1).trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // Find the closing quote, possibly on a later line.
      let body = value.slice(1);
      let close = findClose(body, quote);
      while (close === -1 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        close = findClose(body, quote);
      }
      if (close === -1) {
        problems.push({
          variable: `${fileName}:${lineNo}`,
          expected: `a closing ${quote} for ${key}`,
        });
        continue;
      }
      const after = body.slice(close + 1).trim();
      if (after !== '' && !after.startsWith('#')) {
        problems.push({
          variable: `${fileName}:${lineNo}`,
          expected: `nothing but a comment after the quoted value of ${key}`,
        });
        continue;
      }
      value = body.slice(0, close);
      if (quote === '"') value = unescapeDouble(value);
    } else {
      const comment = value.search(/\s#/);
      if (comment !== -1) value = value.slice(0, comment);
      value = value.trim();
    }
    result[key] = value;
  }
  if (problems.length > 0) throw new DivioEnvError(problems);
  return { ...result };
}

function findClose(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(value: string): string {
  return value.replace(/\\([nrt"\\$])/g, (_m, ch: string) => {
    switch (ch) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return ch;
    }
  });
}
