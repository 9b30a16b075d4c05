// When to close the connection after a response, one rule for every app (app-core's server
// applies it to every response just before its headers go out):
//
// - the request declared a body (Content-Length above 0, or any Transfer-Encoding) that was
//   not read to its end: otherwise the client keeps sending, and the server keeps reading,
//   a body nobody will use (a redirect, a 413, a 404 for a POST, an upload cut short);
// - the status is 413: the client may still be sending;
// - the server is shutting down: the client's next request should go to another instance.
//
// A request that declared no body keeps its keep-alive connection, whatever the status.
import type { IncomingHttpHeaders } from 'node:http';

/** What the rule needs of Node's IncomingMessage. */
export interface RequestBody {
  headers: IncomingHttpHeaders;
  /** True once the whole body arrived (Node's `IncomingMessage.complete`). */
  complete: boolean;
}

/**
 * RFC 9112 section 6.3: a request has a body when it has Transfer-Encoding (which overrides
 * Content-Length), or a Content-Length other than 0.
 */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

/** Whether the response to `request`, sent now with `status`, must carry `Connection: close`. */
export function mustClose(request: RequestBody, status: number, shuttingDown: boolean): boolean {
  return shuttingDown || status === 413 || (hasBody(request.headers) && !request.complete);
}
