// Sends a reply app-core decided (media content, a static file, a redirect) on Express's
// response: status, headers, then the body stream or an empty body. setHeader, not res.set:
// the headers exactly as given (res.set would add a charset to text/* types).
import { pipeline } from 'node:stream';
import type { Reply } from '@divio-samples/app-core';
import type { Response } from 'express';

export function sendReply(res: Response, reply: Reply): void {
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (!reply.body) {
    res.end();
    return;
  }
  // pipeline, not pipe: when the client goes away first, the file stream (and its file
  // handle) is closed at once instead of waiting for the garbage collector.
  pipeline(reply.body, res, () => {});
}
