// JSON logs on stdout (pino), one line per request, with credentials redacted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { pathOf } from '../http/policy.js';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';
export { pathOf };

/** Paths pino blanks out wherever a request, response or error object is logged. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-amz-security-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Fields on every line (for example `{ app: 'express' }`). */
  base?: Record<string, unknown>;
  /** Where lines go (default stdout); tests pass a stream. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    // Asynchronous writes: under load, the lines that arrive while a write is under way go
    // out together in the next one, instead of one blocking write(2) per request. pino
    // flushes what is left synchronously when the process exits (a crash or `exit()`
    // included), so no line is lost.
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * Logs one line when the response is done (or the client went away): `method`, `url`
 * (the path), `status`, `responseTime` (ms), `reqId`. Call it first thing in a request.
 */
export function logRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  reqId: string,
): void {
  const start = process.hrtime.bigint();
  let done = false;
  const write = (aborted: boolean) => {
    if (done) return;
    done = true;
    const responseTime = Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
    const line = {
      reqId,
      method: req.method,
      url: pathOf(req.url),
      status: res.statusCode,
      responseTime,
      ...(aborted ? { aborted: true } : {}),
    };
    if (res.statusCode >= 500) logger.error(line, 'request failed');
    else logger.info(line, aborted ? 'request aborted' : 'request completed');
  };
  res.once('finish', () => write(false));
  res.once('close', () => write(!res.writableFinished));
}
