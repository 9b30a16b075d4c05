// A tiny HTTP client for the contract suite, on node:http rather than fetch: fetch forbids
// setting `Host` and normalises paths (`/media/../x` would never reach the server), and the
// suite needs both. Every request carries `X-Forwarded-Proto: https` unless told otherwise,
// because the contract environment turns the SSL redirect on.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface RequestOptions {
  method?: string;
  /** Extra request headers (lower- or mixed-case names). */
  headers?: Record<string, string>;
  /** The `Host` header to send; defaults to the base URL's host. */
  host?: string;
  /**
   * The `X-Forwarded-Proto` value, sent as is (`HTTPS`, `http, https`); an array sends one
   * header line per value; `null` sends none. Defaults to the client's (`https` unless
   * configured otherwise).
   */
  forwardedProto?: string | readonly string[] | null;
  body?: RequestBody;
  /** Gives up (and fails) after this many milliseconds. Default 10000. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** A response header as one string (joined with ", " when repeated), or undefined. */
  header(name: string): string | undefined;
  text(): string;
  /** Parses the body as JSON; throws with the status and the start of the body otherwise. */
  json<T = unknown>(): T;
}

export interface ClientOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  forwardedProto?: 'http' | 'https' | null;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** `host:port` of the base URL, the `Host` the client sends by default. */
  readonly host: string;
  request(path: string, options?: RequestOptions): Promise<HttpResponse>;
  get(path: string, options?: Omit<RequestOptions, 'method'>): Promise<HttpResponse>;
}

/** An `HttpResponse` over a status, headers and a complete body (also used by raw.ts). */
export function makeResponse(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
): HttpResponse {
  return {
    status,
    headers,
    body,
    header(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    text() {
      return body.toString('utf8');
    },
    json<T>() {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        const start = body.toString('utf8').slice(0, 200);
        throw new Error(`expected a JSON body, got status ${status}: ${JSON.stringify(start)}`);
      }
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Symbol.asyncIterator in value &&
    !(value instanceof Uint8Array)
  );
}

/**
 * Sends one request to `baseUrl` + `path` (the path goes on the wire exactly as given).
 *
 * A streamed body stops being written as soon as the response arrives, and a connection
 * the server resets after answering (the usual way to refuse an oversized upload) still
 * yields that answer.
 */
export function sendRequest(
  baseUrl: string,
  path: string,
  options: RequestOptions = {},
  defaults: ClientOptions = {},
): Promise<HttpResponse> {
  const url = new URL(baseUrl);
  if (!path.startsWith('/')) throw new Error(`path must start with "/": ${path}`);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(defaults.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  const proto =
    options.forwardedProto !== undefined
      ? options.forwardedProto
      : defaults.forwardedProto !== undefined
        ? defaults.forwardedProto
        : 'https';
  if (proto === null) delete headers['x-forwarded-proto'];
  else headers['x-forwarded-proto'] = typeof proto === 'string' ? proto : [...proto];
  headers.host = options.host ?? url.host;
  const body = options.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const method = options.method ?? 'GET';

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let responded = false;
    const finish = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (response) resolve(response);
    };
    const req = send({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port || undefined,
      method,
      path,
      headers,
      setHost: false,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(new Error(`${method} ${path}: no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => finish(error));
      res.on('end', () => {
        finish(undefined, makeResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)));
        req.destroy();
      });
    });
    req.on('error', (error) => {
      // A reset after the response headers arrived is the server refusing the rest of
      // the body; the response itself is still delivered by 'end' (or this fails).
      if (responded) return;
      finish(new Error(`${method} ${path}: ${error.message}`));
    });
    if (body === undefined) {
      req.end();
    } else if (typeof body === 'string' || body instanceof Uint8Array) {
      req.end(body);
    } else if (isAsyncIterable(body)) {
      void (async () => {
        try {
          for await (const chunk of body) {
            if (responded || req.destroyed) return;
            if (!req.write(chunk)) {
              await new Promise<void>((done) => {
                const go = () => {
                  req.off('drain', go);
                  req.off('close', go);
                  done();
                };
                req.on('drain', go);
                req.on('close', go);
              });
            }
          }
          if (!responded && !req.destroyed) req.end();
        } catch (error) {
          req.destroy(error as Error);
        }
      })();
    }
  });
}

/** A client bound to one base URL (e.g. `http://127.0.0.1:3000`). */
export function createClient(baseUrl: string, defaults: ClientOptions = {}): HttpClient {
  const url = new URL(baseUrl);
  const base = `${url.protocol}//${url.host}`;
  return {
    baseUrl: base,
    host: url.host,
    request: (path, options) => sendRequest(base, path, options, defaults),
    get: (path, options) => sendRequest(base, path, { ...options, method: 'GET' }, defaults),
  };
}
