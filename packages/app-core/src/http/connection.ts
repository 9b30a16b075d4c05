// When an answer leaves part of the request body unread (a redirect, a 413, an error before
// the upload ended), the response asks the client to close the connection: otherwise the
// client keeps sending, and the server keeps reading, a body nobody will use.
import type { IncomingHttpHeaders } from 'node:http';

/** What the rule needs of Node's IncomingMessage (Express's req, Koa's ctx.req, Fastify's request.raw). */
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

/**
 * `{ Connection: 'close' }` when the response to `request` goes out with `status` while
 * its body is not all in (and always with 413: the client may still be sending), else `{}`.
 * Set it on redirects and on error responses.
 */
export function closeIfBodyUnread(request: RequestBody, status: number): Record<string, string> {
  const unread = hasBody(request.headers) && !request.complete;
  return status === 413 || unread ? { Connection: 'close' } : {};
}
