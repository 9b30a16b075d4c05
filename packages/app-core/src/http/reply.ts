// A reply decided by app-core and sent by the app's framework: the status, the headers, and
// a body stream or none. Media content, static files and redirects are replies, so each app
// has one small function that sends them (and a redirect's empty body is the same
// everywhere: `Content-Length: 0`, no Content-Type).
import type { Readable } from 'node:stream';
import { encodeUrl } from 'encodeurl';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Send it after the headers; without one the response has an empty body. */
  body?: Readable | undefined;
}

/**
 * A redirect (301, 302, 303, 308): `Location` and an empty body, `Content-Length: 0` stated
 * (so a HEAD gets it too, in every framework).
 */
export function redirectReply(
  status: 301 | 302 | 303 | 308,
  location: string,
  headers: Record<string, string> = {},
): Reply {
  // Encoded as Express's and Koa's own redirects do (`encodeurl`): what may not appear in a
  // URL is escaped, valid `%XX` escapes are kept.
  return {
    status,
    headers: { ...headers, Location: encodeUrl(location), 'Content-Length': '0' },
  };
}
