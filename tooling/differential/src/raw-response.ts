// Reads HTTP/1.x responses out of the bytes a raw socket received. Node has no public
// response parser that can be fed bytes (llhttp is internal), and node:http's client
// cannot send the requests that need a raw socket, so this small reader exists: status
// line, headers, then a body framed by Content-Length, chunked coding, or the close.

export interface ParsedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The whole body arrived (by its framing, or by the close when it has none). */
  complete: boolean;
}

const CRLF2 = Buffer.from('\r\n\r\n');

function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** Decodes a chunked body; `undefined` while it is incomplete. */
function dechunk(data: Buffer): { body: Buffer; used: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) return undefined;
    const start = eol + 2;
    if (size === 0) {
      // Trailers (none expected) end with an empty line.
      const end = data.indexOf(CRLF2, eol);
      return end < 0 ? undefined : { body: Buffer.concat(parts), used: end + 4 };
    }
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * Every response in `data`, in order. `headRequest`: the first answers a HEAD (no body).
 * `closed`: the server closed the connection (a body without framing ends there).
 */
export function parseResponses(
  data: Buffer,
  headRequest: boolean,
  closed: boolean,
): ParsedResponse[] {
  const responses: ParsedResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf(CRLF2);
    if (end < 0) break;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!match) break;
    const status = Number(match[1]);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    rest = rest.subarray(end + 4);
    // 100 Continue and friends precede the real answer.
    if (status >= 100 && status < 200) continue;
    const noBody = (headRequest && responses.length === 0) || status === 204 || status === 304;
    const length = header(headers, 'content-length');
    const chunked = /chunked/i.test(header(headers, 'transfer-encoding') ?? '');
    if (noBody) {
      responses.push({ status, headers, body: Buffer.alloc(0), complete: true });
    } else if (chunked) {
      const decoded = dechunk(rest);
      if (!decoded) {
        responses.push({ status, headers, body: rest, complete: false });
        break;
      }
      responses.push({ status, headers, body: decoded.body, complete: true });
      rest = rest.subarray(decoded.used);
    } else if (length !== undefined) {
      const n = Number(length);
      const complete = rest.length >= n;
      responses.push({ status, headers, body: rest.subarray(0, n), complete });
      if (!complete) break;
      rest = rest.subarray(n);
    } else {
      responses.push({ status, headers, body: rest, complete: closed });
      break;
    }
  }
  return responses;
}
