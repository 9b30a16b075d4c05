import { inspect } from 'node:util';

const MASK = '***';

/**
 * A credential that refuses to be printed. `String(secret)`, template literals,
 * `JSON.stringify` and `util.inspect` (console.log) all show `***`; only `reveal()`
 * gives the value, so every place that uses a secret is easy to find with grep.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The real value: pass it straight to the client that needs it, never to a log. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

export const SECRET_MASK = MASK;
