// Nest's own log messages (its start-up, errors it catches itself) through app-core's pino
// logger, so that everything on stdout is one JSON line per entry, credentials redacted.
import type { Logger } from '@divio-samples/app-core';
import type { LoggerService } from '@nestjs/common';

/** Nest passes `(message, ...params, context)`; an error also a stack before the context. */
function split(params: unknown[]): { context?: string; rest: unknown[] } {
  const last = params.at(-1);
  return typeof last === 'string' ? { context: last, rest: params.slice(0, -1) } : { rest: params };
}

export class NestLogger implements LoggerService {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * Nest's `log` level is its start-up chatter (modules initialised, each route mapped):
   * debug here, so the default level shows the app's own lines and Nest's warnings and errors.
   */
  log(message: unknown, ...params: unknown[]): void {
    this.#write('debug', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.#write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.#write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.#write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.#write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.#write('fatal', message, params);
  }

  #write(
    level: 'trace' | 'debug' | 'warn' | 'error' | 'fatal',
    message: unknown,
    params: unknown[],
  ): void {
    const { context, rest } = split(params);
    const fields: Record<string, unknown> = { context };
    if (message instanceof Error) fields.err = message;
    else if (typeof message === 'object' && message !== null) Object.assign(fields, message);
    // An error's stack comes as the first extra parameter.
    if (typeof rest[0] === 'string' && level === 'error') fields.stack = rest[0];
    this.#logger[level](fields, typeof message === 'string' ? message : undefined);
  }
}
