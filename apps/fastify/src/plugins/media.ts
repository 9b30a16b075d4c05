// The JSON API (`/api/info`, `/api/media...`) and, on the file backend only, the stored
// files under `/media/<key>`. Params and query strings are validated and every response
// serialized by the JSON schemas in ../schemas.ts.
import { contentReply, parsePageQuery, type Runtime } from '@divio-samples/app-core';
import type { FastifyInstance } from 'fastify';
import {
  errorResponses,
  type IdParams,
  idParamsSchema,
  type PageQuery,
  pageQuerySchema,
} from '../schemas.ts';
import { receiveUpload, sendContent } from '../upload.ts';

export interface MediaOptions {
  runtime: Runtime;
}

export default async function mediaRoutes(
  app: FastifyInstance,
  { runtime }: MediaOptions,
): Promise<void> {
  const { media, config } = runtime;

  app.get(
    '/api/info',
    { schema: { response: { 200: { $ref: 'Info#' }, ...errorResponses } } },
    async () => runtime.info,
  );

  app.get<{ Querystring: PageQuery }>(
    '/api/media',
    {
      schema: {
        querystring: pageQuerySchema,
        response: { 200: { $ref: 'MediaPage#' }, ...errorResponses },
      },
    },
    async (request) => media.list(parsePageQuery(request.query)),
  );

  app.post(
    '/api/media',
    { schema: { response: { 201: { $ref: 'Media#' }, ...errorResponses } } },
    async (request, reply) => {
      const item = await receiveUpload(request, media, config.maxUploadBytes);
      return reply.code(201).header('Location', `/api/media/${item.id}`).send(item);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/media/:id',
    {
      schema: { params: idParamsSchema, response: { 200: { $ref: 'Media#' }, ...errorResponses } },
    },
    async (request) => media.get(request.params.id),
  );

  app.delete<{ Params: IdParams }>(
    '/api/media/:id',
    { schema: { params: idParamsSchema, response: errorResponses } },
    async (request, reply) => {
      await media.delete(request.params.id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: IdParams }>({
    method: ['GET', 'HEAD'],
    url: '/api/media/:id/content',
    exposeHeadRoute: false,
    schema: { params: idParamsSchema, response: errorResponses },
    handler: async (request, reply) =>
      sendContent(reply, contentReply(await media.content(request.params.id), request)),
  });

  // Only the file backend serves its objects itself (its public base URL is `/media/`). Only
  // keys of existing media rows are served, with the same headers as `/content`.
  if (runtime.storage.backend === 'file') {
    app.route<{ Params: { '*': string } }>({
      method: ['GET', 'HEAD'],
      url: '/media/*',
      exposeHeadRoute: false,
      handler: async (request, reply) =>
        sendContent(reply, contentReply(await media.contentByKey(request.params['*']), request)),
    });
  }
}
