// HTTP/1.1 over a bare socket, for what node:http cannot send or cannot tell: requests its
// client refuses to write (a lower-case method, obs-fold, no Host, a bare LF), a body that
// is declared but never sent, several requests on one connection, and whether the server
// closed that connection. Connects to the base URL's host and port (TLS for https://).
//
// Responses are read with a small parser of our own: Node has no public API that parses a
// response from bytes it did not send itself. It knows what the suite needs: a status line,
// headers, and a body framed by Content-Length, chunked encoding or the connection closing.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type HttpResponse, makeResponse } from './client.js';

/** Every wait on a raw connection is bounded: a server that never answers fails the test. */
const DEFAULT_TIMEOUT_MS = 5_000;

export interface RawResponse extends HttpResponse {
  /** The status line and header block as received (without the blank line). */
  head: string;
}

export interface ReadOptions {
  /** The request was a HEAD: the response has no body whatever its headers say. */
  head?: boolean;
  /** Gives up (and fails) after this many milliseconds. Default 5000. */
  timeoutMs?: number;
}

export interface RawConnection {
  /** Writes bytes exactly as given. Writing after the server closed is ignored. */
  write(data: string | Uint8Array): void;
  /** The next complete response on the connection. */
  response(options?: ReadOptions): Promise<RawResponse>;
  /** True once the server has closed the connection; false if still open after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<boolean>;
  /** Closes the connection from this side. */
  close(): void;
}

/**
 * A request as bytes: the request line and header lines joined with CRLF, the blank line,
 * then `body`. Lines are sent as given, so a test can put anything on the wire.
 */
export function rawMessage(lines: readonly string[], body: string | Uint8Array = ''): Buffer {
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** Opens a connection to `baseUrl`'s host and port. */
export function openConnection(
  baseUrl: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<RawConnection> {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');

  return new Promise<RawConnection>((resolve, reject) => {
    const socket: Socket = secure
      ? tlsConnect({ host, port, servername: host })
      : netConnect({ host, port });
    let received = Buffer.alloc(0);
    let ended = false;
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const waiter of [...waiters]) waiter();
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      wake();
    });
    // A reset after the server answered is one way of closing; what arrived before it counts.
    const onEnd = () => {
      ended = true;
      wake();
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    const connectTimer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw connection to ${url.host}: not connected within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(connectTimer);
      reject(new Error(`raw connection to ${url.host}: ${error.message}`));
    });
    socket.on('error', onEnd);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      resolve(connection);
    });

    /** Waits until `check` returns a value (re-run on every chunk and at the end), bounded. */
    const waitFor = <T>(
      check: () => T | undefined,
      ms: number,
      onTimeout: () => T | Error,
    ): Promise<T> =>
      new Promise<T>((done, fail) => {
        const settle = (outcome: T | Error) => {
          waiters.delete(attempt);
          clearTimeout(timer);
          if (outcome instanceof Error) fail(outcome);
          else done(outcome);
        };
        const attempt = () => {
          try {
            const value = check();
            if (value !== undefined) settle(value);
          } catch (error) {
            settle(error as Error);
          }
        };
        const timer = setTimeout(() => settle(onTimeout()), ms);
        waiters.add(attempt);
        attempt();
      });

    const connection: RawConnection = {
      write(data) {
        if (!socket.destroyed && socket.writable) socket.write(data);
      },
      response(options = {}) {
        const ms = options.timeoutMs ?? timeoutMs;
        return waitFor(
          () => {
            const parsed = parseResponse(received, ended, options.head ?? false);
            if (!parsed) return undefined;
            received = received.subarray(parsed.consumed);
            return parsed.response;
          },
          ms,
          () =>
            new Error(
              `no complete response within ${ms} ms; received ${JSON.stringify(
                received.toString('latin1').slice(0, 300),
              )}`,
            ),
        );
      },
      closed(ms = 2_000) {
        return waitFor(
          () => (ended ? true : undefined),
          ms,
          () => false,
        );
      },
      close() {
        socket.destroy();
      },
    };
  });
}

/**
 * Sends one raw request on a new connection and reads the response; then waits (up to
 * `closeTimeoutMs`, default 2000) to see whether the server closes the connection.
 */
export async function rawRequest(
  baseUrl: string,
  data: string | Uint8Array,
  options: ReadOptions & { closeTimeoutMs?: number } = {},
): Promise<RawResponse & { closed: boolean }> {
  const connection = await openConnection(baseUrl, options.timeoutMs);
  try {
    connection.write(data);
    const response = await connection.response(options);
    const closed = await connection.closed(options.closeTimeoutMs ?? 2_000);
    return Object.assign(response, { closed });
  } finally {
    connection.close();
  }
}

/**
 * The first response in `data`, or undefined while it is incomplete. `ended`: the server
 * closed the connection, so a body without framing ends here (and a truncated one fails).
 */
function parseResponse(
  data: Buffer,
  ended: boolean,
  isHead: boolean,
): { response: RawResponse; consumed: number } | undefined {
  let offset = 0;
  // Interim responses (100 Continue, ...) come before the real one.
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end < 0) {
      if (ended) throw truncated(data);
      return undefined;
    }
    const head = data.subarray(offset, end).toString('latin1');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (!match) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusLine)}`);
    const status = Number(match[1]);
    const headers = parseHeaders(lines);
    const bodyStart = end + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      offset = bodyStart;
      continue;
    }
    const body = readBody(data, bodyStart, headers, { status, isHead, ended });
    if (!body) return undefined;
    const response = makeResponse(status, headers, body.bytes) as RawResponse;
    response.head = head;
    return { response, consumed: body.end };
  }
}

/** Header lines as node:http reports them: lower-case names, repeats joined with ", ". */
function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed response header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function readBody(
  data: Buffer,
  start: number,
  headers: Record<string, string>,
  state: { status: number; isHead: boolean; ended: boolean },
): { bytes: Buffer; end: number } | undefined {
  if (state.isHead || state.status === 204 || state.status === 304) {
    return { bytes: Buffer.alloc(0), end: start };
  }
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    return readChunked(data, start, state.ended);
  }
  const length = headers['content-length'];
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Error(`bad Content-Length in response: ${length}`);
    const end = start + Number(length);
    if (data.length >= end) return { bytes: Buffer.from(data.subarray(start, end)), end };
    if (state.ended) throw truncated(data);
    return undefined;
  }
  // No framing: the body runs until the server closes the connection.
  return state.ended ? { bytes: Buffer.from(data.subarray(start)), end: data.length } : undefined;
}

function readChunked(
  data: Buffer,
  start: number,
  ended: boolean,
): { bytes: Buffer; end: number } | undefined {
  const chunks: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size in response');
    if (size === 0) {
      // Trailers (usually none), then the blank line.
      const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
      if (trailerEnd < 0) break;
      return { bytes: Buffer.concat(chunks), end: trailerEnd + 4 };
    }
    const chunkEnd = lineEnd + 2 + size;
    if (data.length < chunkEnd + 2) break;
    chunks.push(Buffer.from(data.subarray(lineEnd + 2, chunkEnd)));
    offset = chunkEnd + 2;
  }
  if (ended) throw truncated(data);
  return undefined;
}

function truncated(data: Buffer): Error {
  return new Error(
    `the connection closed before a complete response; received ${JSON.stringify(
      data.toString('latin1').slice(0, 300),
    )}`,
  );
}
