import { DivioEnvError } from '../src/index.js';

/** Runs `fn`, expects a DivioEnvError, and returns it. */
export function expectDivioEnvError(fn: () => unknown): DivioEnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DivioEnvError) return error;
    throw error;
  }
  throw new Error('expected a DivioEnvError, got a result');
}

/** Every way an error can be shown: message, toString, JSON, inspect, stack. */
export function allRenderings(value: unknown): string {
  const parts: string[] = [String(value), JSON.stringify(value)];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  return parts.join('\n');
}
