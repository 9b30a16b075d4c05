// One error shape for every framework: `{ error: { code, message } }` with the right status.
// Nothing here prints a credential, and a stack leaves the process only when DEBUG is on.

export type ErrorCode =
  | 'bad_request'
  | 'invalid_query'
  | 'missing_file'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'request_timeout'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_host'
  | 'internal_error'
  | 'service_unavailable';

/** An error meant for the client: its message is shown as is. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Extra response headers (for example `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = Object.freeze({ ...options.headers });
  }
}

export const notFound = (message = 'Not found'): HttpError =>
  new HttpError(404, 'not_found', message);

export const payloadTooLarge = (limit: number): HttpError =>
  new HttpError(413, 'payload_too_large', `The upload is larger than ${limit} bytes`);

/**
 * `405 method_not_allowed` for a known path asked with another method (OPTIONS included).
 * `Allow` lists the path's methods once each, in alphabetical order, joined by `, `: the
 * same header whatever order a framework keeps its routes in.
 */
export function methodNotAllowed(methods: Iterable<string>): HttpError {
  const allow = [...new Set([...methods].map((m) => m.trim().toUpperCase()))]
    .filter((m) => m !== '')
    .sort();
  return new HttpError(405, 'method_not_allowed', 'Method not allowed', {
    headers: { Allow: allow.join(', ') },
  });
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; stack?: string };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Readonly<Record<string, string>>;
}

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  431: 'headers_too_large',
  415: 'unsupported_media_type',
  503: 'service_unavailable',
};

// Errors that mean "a dependency is down or unreachable", not "the code is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  '57P01', // pg: admin_shutdown
  '57P03', // pg: cannot_connect_now
  '53300', // pg: too_many_connections
  'SQLITE_BUSY',
  // The database refused the app's credentials or database name: the operator's problem,
  // not the client's; the detail goes to the log.
  '28P01', // pg: invalid_password
  '28000', // pg: invalid_authorization_specification (no pg_hba.conf entry)
  '3D000', // pg: invalid_catalog_name (no such database)
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

function prop(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null
    ? (err as Record<string, unknown>)[name]
    : undefined;
}

/** StorageError codes that describe the request, not the storage service. */
const CLIENT_STORAGE_CODES = new Set(['NotFound', 'InvalidKey', 'TooLarge']);

/** A StorageError from @divio-samples/media-storage, recognised by shape (no import cycle). */
function storageErrorCode(err: unknown): string | undefined {
  const code = prop(err, 'code');
  return prop(err, 'name') === 'StorageError' && typeof code === 'string' ? code : undefined;
}

/**
 * True for errors that say a database or the storage service cannot be reached right now.
 * node-postgres has no codes for its own timers: its connect timeout throws "timeout
 * expired", its query_timeout "Query read timeout" (matched exactly).
 */
export function isUnavailableError(err: unknown): boolean {
  const storageCode = storageErrorCode(err);
  // Every storage failure that is not about the request itself (a missing object, a bad
  // key, an upload over the limit) is the service's: unreachable, dying mid-upload, or
  // rejecting the app's credentials (`Denied`). The client gets a generic 503; the
  // backend's own message stays in the log.
  if (storageCode !== undefined) return !CLIENT_STORAGE_CODES.has(storageCode);
  const name = prop(err, 'name');
  if (name === 'KnexTimeoutError') return true;
  const code = prop(err, 'code');
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = prop(err, 'message');
  return (
    typeof message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|^Query read timeout$|^timeout expired$/.test(
      message,
    )
  );
}

/**
 * Hides what could be a credential inside an error message from a driver or SDK: the
 * userinfo of URLs and the values of signature/credential query parameters.
 */
export function redactMessage(message: string): string {
  return message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^@\s]*@/gi, '$1***:***@')
    .replace(
      /([?&](?:sig|signature|x-amz-signature|x-amz-credential|se|sp|sv|token)=)[^&\s"']*/gi,
      '$1***',
    )
    .replace(/(password|secret|accountkey)=([^;\s&]+)/gi, '$1=***');
}

function clientStatus(err: unknown): number | undefined {
  const status = prop(err, 'status') ?? prop(err, 'statusCode');
  if (
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    prop(err, 'expose') !== false
  ) {
    return status;
  }
  return undefined;
}

/**
 * Maps any thrown value to the JSON error response: HttpError as is, StorageError and
 * database connection errors to 404/413/503, framework 4xx errors (malformed URL, ...) to
 * their status, everything else to a 500 whose message says nothing about the internals.
 */
export function toErrorResponse(err: unknown, options: { debug: boolean }): ErrorResponse {
  let status: number;
  let code: ErrorCode;
  let message: string;
  let headers: Readonly<Record<string, string>> = {};
  const storageCode = storageErrorCode(err);
  const frameworkStatus = clientStatus(err);

  if (err instanceof HttpError) {
    ({ status, code, message, headers } = err);
  } else if (storageCode === 'NotFound' || storageCode === 'InvalidKey') {
    [status, code, message] = [404, 'not_found', 'Not found'];
  } else if (storageCode === 'TooLarge') {
    [status, code, message] = [413, 'payload_too_large', 'The upload is too large'];
  } else if (isUnavailableError(err)) {
    [status, code, message] = [503, 'service_unavailable', 'A backing service is unavailable'];
  } else if (frameworkStatus !== undefined) {
    status = frameworkStatus;
    code = STATUS_CODES[frameworkStatus] ?? 'bad_request';
    const raw = prop(err, 'message');
    message = typeof raw === 'string' && raw !== '' ? redactMessage(raw) : 'Bad request';
  } else {
    [status, code, message] = [500, 'internal_error', 'Internal server error'];
  }

  const body: ErrorBody = { error: { code, message } };
  if (status >= 500 && options.debug) {
    const stack = prop(err, 'stack');
    if (typeof stack === 'string') body.error.stack = redactMessage(stack);
  }
  return { status, body, headers };
}
