// Sending a reply app-core decided (media content, a static file, a redirect) with a
// FastifyReply: status, headers, then the body stream or an empty body (Fastify then sends
// `Content-Length: 0` and no Content-Type). Routes that use it for files answer GET and HEAD
// themselves (`exposeHeadRoute: false`): Fastify's automatic HEAD route would read the
// whole file only to discard it.
import type { Reply } from '@divio-samples/app-core';
import type { FastifyReply } from 'fastify';

export function sendReply(reply: FastifyReply, result: Reply): FastifyReply {
  return reply.code(result.status).headers(result.headers).send(result.body);
}
