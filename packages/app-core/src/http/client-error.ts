// Requests Node's HTTP parser refuses before any app code runs (a malformed request line, a
// method token it does not know, a bad header, obs-fold, a bare LF, headers too large,
// conflicting Content-Length/Transfer-Encoding, ...): answered by one handler on every
// app's server (app-core's `serve` installs it as the server's `clientError` listener), in
// the contract's JSON shape with the security headers, and the connection closed. The raw
// bytes Node attaches to the error (`rawPacket`) are never logged: they may hold credentials.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SecurityConfig } from '@divio-samples/divio-env';
import type { Logger } from 'pino';
import type { ErrorBody, ErrorCode } from './errors.js';
import { securityHeaders } from './policy.js';

/** The status and error code for a parser error (by Node's `code`). */
export function clientErrorStatus(code: string | undefined): { status: number; code: ErrorCode } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout' };
    default:
      return { status: 400, code: 'bad_request' };
  }
}

const MESSAGES: Readonly<Record<number, string>> = {
  400: 'Malformed request',
  408: 'The request took too long to arrive',
  413: 'The request is too large',
  431: 'The request headers are too large',
};

/** The complete HTTP response (head and JSON body) for a parser error. */
export function clientErrorResponse(
  code: string | undefined,
  headers: Record<string, string>,
): { status: number; bytes: string } {
  const { status, code: errorCode } = clientErrorStatus(code);
  const body: ErrorBody = {
    error: { code: errorCode, message: MESSAGES[status] ?? 'Bad request' },
  };
  const json = JSON.stringify(body);
  const all: Record<string, string> = {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(json)),
    Connection: 'close',
  };
  const head = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return {
    status,
    bytes: `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${json}`,
  };
}

export interface ClientErrorOptions {
  security: Pick<SecurityConfig, 'sslRedirect' | 'trustProxy'>;
  mediaOrigins: readonly string[];
  logger: Pick<Logger, 'info'>;
}

/** A listener for `http.Server`'s `clientError` event. */
export function clientErrorHandler(options: ClientErrorOptions) {
  return (err: Error & { code?: string; reason?: string }, socket: Duplex): void => {
    // Node's own handler writes nothing when the client is gone, or when a response on this
    // socket is already under way (its bytes would corrupt it): the same here.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const reqId = randomUUID();
    // No request was parsed: no X-Forwarded-Proto to trust, so no HSTS.
    const headers = {
      ...securityHeaders(options.security, {}, options.mediaOrigins),
      'X-Request-Id': reqId,
    };
    const { status, bytes } = clientErrorResponse(err.code, headers);
    options.logger.info(
      { reqId, status, code: err.code, reason: err.reason ?? err.message },
      'request refused by the HTTP parser',
    );
    socket.end(bytes);
  };
}

interface InFlightResponse {
  headersSent?: boolean;
  req?: {
    method?: string;
    url?: string;
    complete?: boolean;
  };
}

/**
 * A listener for `http.Server`'s `timeout` event (IDLE_TIMEOUT_MS of silence on a socket).
 * A request whose body stopped arriving (a client trickling bytes, or gone without closing)
 * gets `408 request_timeout` in the contract's shape, then the connection is closed (so does
 * a new connection whose first request's headers are not complete by then: the same answer
 * Node gives at HEADERS_TIMEOUT_MS, which this may precede); a
 * response already under way that the client stopped reading is just closed (what Node
 * does when nobody listens to the event); a complete request the app is still answering
 * is left alone. (Idle keep-alive sockets run on `keepAliveTimeout`, not on this.) Without this, a few hundred trickling clients hold the
 * server: Node has no body timeout of its own once `requestTimeout` is 0, which it must be
 * for long uploads.
 */
export function idleTimeoutHandler(
  options: Omit<ClientErrorOptions, 'logger'> & {
    logger: Pick<Logger, 'warn'>;
    /** Whether a request was ever read on `socket` (then, between requests, it is idle). */
    served: (socket: Duplex) => boolean;
  },
) {
  return (socket: Duplex): void => {
    const inFlight = (socket as Duplex & { _httpMessage?: InFlightResponse | null })._httpMessage;
    // A keep-alive socket between requests (its keepAliveTimeout ran out), a response the
    // client stopped reading, or a client already gone: close, as Node does by default.
    if (!socket.writable || inFlight?.headersSent || (!inFlight && options.served(socket))) {
      socket.destroy();
      return;
    }
    // The whole request arrived: the app is still working on it (its own waits are bounded
    // by DATABASE_TIMEOUT_MS and the storage clients' timeouts). Not the client's fault:
    // the connection stays, and the timer is re-armed.
    // (A body the app stops reading while it waits for the storage does count: the idle
    // timeout must stay above the storage clients' own retry time; see docs/contract.md.
    // Telling that silence apart from the client's by the stream's state was tried and
    // misjudged Next.js, whose request adapter reads the body in its own rhythm.)
    if (inFlight?.req?.complete) {
      const timed = socket as Duplex & { timeout?: number; setTimeout?(ms: number): unknown };
      if (timed.timeout && typeof timed.setTimeout === 'function') timed.setTimeout(timed.timeout);
      return;
    }
    const reqId = randomUUID();
    const headers = {
      ...securityHeaders(options.security, {}, options.mediaOrigins),
      'X-Request-Id': reqId,
    };
    const { status, bytes } = clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT', headers);
    options.logger.warn(
      inFlight
        ? { reqId, status, method: inFlight.req?.method, url: inFlight.req?.url }
        : { reqId, status },
      inFlight
        ? 'request cut: its body stopped arriving (idle timeout)'
        : 'request cut: its headers stopped arriving (idle timeout)',
    );
    // The app still holds the request and answers it later (its body never completed):
    // that reply finds the socket ended and is dropped by Node.
    socket.end(bytes, () => socket.destroy());
  };
}
