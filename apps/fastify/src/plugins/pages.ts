// The HTML page (`GET /`) and its upload form's target (`POST /upload`). Errors of the form
// render the page again, with the error's status and message (a route-level error handler).
import { errorPage, indexPage, type Runtime } from '@divio-samples/app-core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { prepareErrorReply } from './errors.ts';
import { upload } from './media.ts';

export interface PagesOptions {
  runtime: Runtime;
}

const HTML = 'text/html; charset=utf-8';

export default async function pages(
  app: FastifyInstance,
  { runtime }: PagesOptions,
): Promise<void> {
  const errorOptions = { debug: runtime.config.divio.debug };

  app.get('/', async (_request, reply) => reply.type(HTML).send(await indexPage(runtime)));

  const renderError = async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { body } = prepareErrorReply(err, request, reply, errorOptions);
    return reply.type(HTML).send(await errorPage(runtime, body.error.message));
  };

  app.post('/upload', { errorHandler: renderError }, async (request, reply) => {
    await upload(runtime, request);
    return reply.redirect('/', 303);
  });
}
