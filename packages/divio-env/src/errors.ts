// One error type for every configuration problem. It lists all of them at once, and it
// never holds a credential: values pass through `maskValue` before they get here.
import { inspect } from 'node:util';

export interface DivioEnvProblem {
  /** The environment variable (or `FILE:LINE` for an env file). */
  readonly variable: string;
  /** What a valid value looks like. */
  readonly expected: string;
  /** The value as given, credentials replaced by `***`; absent when the variable was unset. */
  readonly value?: string;
}

function formatProblem(problem: DivioEnvProblem): string {
  const got =
    problem.value === undefined ? 'it is not set' : `got ${JSON.stringify(problem.value)}`;
  return `${problem.variable}: expected ${problem.expected}; ${got}`;
}

export class DivioEnvError extends Error {
  readonly problems: readonly DivioEnvProblem[];

  constructor(problems: readonly DivioEnvProblem[]) {
    const list = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
    const header =
      list.length === 1
        ? 'Invalid Divio environment (1 problem):'
        : `Invalid Divio environment (${list.length} problems):`;
    super([header, ...list.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.name = 'DivioEnvError';
    this.problems = list;
  }

  toJSON(): { name: string; message: string; problems: readonly DivioEnvProblem[] } {
    return { name: this.name, message: this.message, problems: this.problems };
  }

  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}

const MASK = '***';

/** Query parameter names whose values are credentials wherever they appear. */
export const SENSITIVE_PARAM = /pass|secret|token|^sig$|credential|account_?key|^key$/i;

/**
 * Hides credentials in anything that looks like a URL, parseable or not: everything between
 * the first `:` after `scheme://` and the last `@` of the value, and the values of query
 * parameters named like credentials. Deliberately over-eager: a value that is too broken
 * to parse is exactly the one whose password might sit somewhere unexpected.
 */
export function maskUrl(value: string): string {
  let out = value;
  const at = out.lastIndexOf('@');
  if (at !== -1) {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/)?/.exec(out);
    const start = scheme ? scheme[0].length : 0;
    if (start <= at) {
      const userinfo = out.slice(start, at);
      const colon = userinfo.search(/:|%3a/i);
      const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
      out = `${out.slice(0, start)}${user}:${MASK}${out.slice(at)}`;
    }
  } else {
    // No '@': in `s3://KEY:SECRET` (host forgotten) the secret would pass for a "port".
    // Whatever follows a colon that does not start a port is hidden, to the end: an
    // unencoded '/' or '?' in such a secret leaves no way to tell where it stops.
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(out);
    if (scheme) {
      const start = scheme[0].length;
      const end = out.slice(start).search(/[/?#]/);
      const authority = end === -1 ? out.slice(start) : out.slice(start, start + end);
      const colon = authority.startsWith('[')
        ? authority.indexOf(':', authority.indexOf(']'))
        : authority.indexOf(':');
      if (colon !== -1 && !/^\d*$/.test(authority.slice(colon + 1))) {
        return `${out.slice(0, start + colon + 1)}${MASK}`;
      }
    }
  }
  return out.replace(
    /([?&;])([^=&;#]*)=([^&;#]*)/g,
    (whole, sep: string, name: string, _v: string) => {
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return SENSITIVE_PARAM.test(decoded) ? `${sep}${name}=${MASK}` : whole;
    },
  );
}

export type MaskKind = 'plain' | 'url' | 'secret';

export function maskValue(value: string, kind: MaskKind): string {
  if (kind === 'secret') return MASK;
  if (kind === 'url') return maskUrl(value);
  return value;
}

/** Collects problems across every section so that one error can list them all. */
export class Problems {
  readonly list: DivioEnvProblem[] = [];

  add(variable: string, expected: string, value: string | undefined, kind: MaskKind): void {
    const problem: DivioEnvProblem =
      value === undefined
        ? { variable, expected }
        : { variable, expected, value: maskValue(value, kind) };
    this.list.push(problem);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new DivioEnvError(this.list);
  }
}

/** Internal: thrown by a parser to abandon one variable after recording its problem. */
export class Abandon extends Error {}
