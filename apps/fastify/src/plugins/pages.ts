// The HTML page (`GET /`) and its upload form's target (`POST /upload`). Errors of the form
// render the page again, with the error's status and message (a route-level error handler).
import { type Media, type Runtime, renderIndexPage } from '@divio-samples/app-core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { receiveUpload } from '../upload.ts';
import { prepareErrorReply } from './errors.ts';

export interface PagesOptions {
  runtime: Runtime;
}

const INDEX_PAGE_SIZE = 50;

export default async function pages(
  app: FastifyInstance,
  { runtime }: PagesOptions,
): Promise<void> {
  const { media, config } = runtime;
  const pageOptions = { framework: 'Fastify', maxUploadBytes: config.maxUploadBytes };
  const errorOptions = { debug: config.divio.debug, maxUploadBytes: config.maxUploadBytes };

  app.get('/', async (_request, reply) => {
    const page = await media.list({ limit: INDEX_PAGE_SIZE });
    return reply
      .type('text/html; charset=utf-8')
      .send(renderIndexPage({ items: page.items, ...pageOptions }));
  });

  const renderError = async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { body } = prepareErrorReply(err, request, reply, errorOptions);
    let items: Media[] = [];
    try {
      items = (await media.list({ limit: INDEX_PAGE_SIZE })).items;
    } catch {
      // The page still shows the error when the list is unavailable.
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(renderIndexPage({ items, error: body.error.message, ...pageOptions }));
  };

  app.post('/upload', { errorHandler: renderError }, async (request, reply) => {
    await receiveUpload(request, media, config.maxUploadBytes);
    return reply.redirect('/', 303);
  });
}
