// One error type for every backend: a stable `code` to branch on, the backend's message
// with credentials, signatures and object keys removed.
import type { StorageBackend, StorageErrorCode } from './types.js';

export interface StorageErrorOptions {
  backend?: StorageBackend;
  /** HTTP status the backend answered with, when there was one. */
  status?: number;
  /** The backend's own error name/code (`NoSuchKey`, `BlobNotFound`, `ENOENT`, ...). */
  backendCode?: string;
}

/**
 * The only error `MediaStorage` methods throw. The original backend error is deliberately
 * not attached as `cause`: SDK errors carry request objects, URLs with SAS signatures and
 * headers, and error loggers print causes. What is useful from it is copied into
 * `backendCode`, `status` and the (sanitized) message.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly backend?: StorageBackend;
  readonly status?: number;
  readonly backendCode?: string;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(message);
    this.code = code;
    if (options.backend !== undefined) this.backend = options.backend;
    if (options.status !== undefined) this.status = options.status;
    if (options.backendCode !== undefined) this.backendCode = options.backendCode;
  }
}

export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}

const MASK = '***';

// Query parameters and header values that carry credentials in S3 and Azure URLs/messages.
// Group 1 is kept, the rest of the match becomes ***.
const SENSITIVE_PATTERNS: readonly RegExp[] = [
  /\b((?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|accountkey|sharedaccesssignature)=)[^&\s;"'<>]+/gi,
  /\b(SharedKey(?:Lite)?\s+[^:\s]+:)\S+/g,
  /\b(AWS4-HMAC-SHA256\s+)[^\n]+/g,
  /\b(authorization:\s*)\S+/gi,
];

/**
 * Removes every listed secret (and its URL-encoded forms) and every credential-looking
 * URL parameter from a message. `sensitive` holds secrets and object keys/paths.
 */
export function sanitize(message: string, sensitive: readonly (string | undefined)[]): string {
  let out = message;
  const needles = new Set<string>();
  for (const value of sensitive) {
    if (!value || value.length < 3) continue;
    needles.add(value);
    needles.add(encodeURIComponent(value));
    needles.add(encodeURI(value));
  }
  // Longest first so a secret that contains another is removed whole.
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    out = out.split(needle).join(MASK);
  }
  for (const pattern of SENSITIVE_PATTERNS) out = out.replace(pattern, `$1${MASK}`);
  return out;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
  'REQUEST_SEND_ERROR',
]);

/** Network-level failures (no answer, or the connection broke): `Unavailable`. */
export function isNetworkErrorCode(code: string | undefined): boolean {
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/** Maps an HTTP status to a code; undefined when the status says nothing specific. */
export function codeForStatus(status: number | undefined): StorageErrorCode | undefined {
  if (status === undefined) return undefined;
  if (status === 404) return 'NotFound';
  if (status === 401 || status === 403) return 'Denied';
  if (status === 413) return 'TooLarge';
  if (status === 408 || status === 429 || status >= 500) return 'Unavailable';
  return undefined;
}

/** The error's own `code`/`name`/`errno` as a string, when it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  for (const field of ['code', 'Code', 'name']) {
    const value = record[field];
    if (typeof value === 'string' && value !== 'Error') return value;
  }
  return undefined;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAbortError(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'AbortError' || code === 'ABORT_ERR';
}
