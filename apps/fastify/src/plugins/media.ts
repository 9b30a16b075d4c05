// The JSON API (`/api/info`, `/api/media...`), the built assets under `/static/`, and, on
// the file backend only, the stored files under `/media/<key>`. Responses are serialized by
// the JSON schemas in ../schemas.ts; ids and query strings are checked by app-core (the same
// messages as in every app).
import {
  contentReply,
  parsePageQuery,
  type Runtime,
  receiveFile,
  staticReply,
} from '@divio-samples/app-core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendReply } from '../reply.ts';
import { errorResponses } from '../schemas.ts';

export interface MediaOptions {
  runtime: Runtime;
}

interface IdParams {
  id: string;
}

/** Streams the request's `file` part to storage (app-core's reader on the raw request). */
export function upload(
  runtime: Runtime,
  request: FastifyRequest,
): ReturnType<Runtime['media']['upload']> {
  const { media, config } = runtime;
  return receiveFile(request.raw, { maxBytes: config.maxUploadBytes }, (file) =>
    media.upload({
      stream: file.stream,
      filename: file.filename,
      contentType: file.mimeType,
      limit: config.maxUploadBytes,
    }),
  );
}

export default async function mediaRoutes(
  app: FastifyInstance,
  { runtime }: MediaOptions,
): Promise<void> {
  const { media } = runtime;

  app.get(
    '/api/info',
    { schema: { response: { 200: { $ref: 'Info#' }, ...errorResponses } } },
    async () => runtime.info,
  );

  // `limit` and `cursor` are checked by app-core's parsePageQuery (a repeated parameter
  // too), not by a schema: the same messages as the other apps.
  app.get(
    '/api/media',
    { schema: { response: { 200: { $ref: 'MediaPage#' }, ...errorResponses } } },
    async (request) =>
      media.list(parsePageQuery(request.query as { limit?: unknown; cursor?: unknown })),
  );

  app.post(
    '/api/media',
    { schema: { response: { 201: { $ref: 'Media#' }, ...errorResponses } } },
    async (request, reply) => {
      const item = await upload(runtime, request);
      return reply.code(201).header('Location', `/api/media/${item.id}`).send(item);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/media/:id',
    { schema: { response: { 200: { $ref: 'Media#' }, ...errorResponses } } },
    async (request) => media.get(request.params.id),
  );

  app.delete<{ Params: IdParams }>(
    '/api/media/:id',
    {
      schema: { response: errorResponses },
      // This route takes no body and ignores one of any type, as in every app. Fastify
      // would refuse a Content-Type that is not a media type at all (`foo`, `;;`) with a 415
      // before the app's parser could leave the body unread; without the header it does not.
      onRequest: async (request) => {
        delete request.headers['content-type'];
      },
    },
    async (request, reply) => {
      await media.delete(request.params.id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: IdParams }>({
    method: ['GET', 'HEAD'],
    url: '/api/media/:id/content',
    exposeHeadRoute: false,
    schema: { response: errorResponses },
    handler: async (request, reply) =>
      sendReply(reply, contentReply(await media.content(request.params.id), request)),
  });

  // The built assets (long cache: pages link them with a content hash). The sub-path is
  // taken from the URL still percent-encoded, as staticReply expects it.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/static/*',
    exposeHeadRoute: false,
    handler: async (request, reply) =>
      sendReply(
        reply,
        await staticReply(
          request.raw,
          request.url.split('?', 1)[0]?.slice('/static/'.length) ?? '',
        ),
      ),
  });

  // Only the file backend serves its objects itself (its public base URL is `/media/`). Only
  // keys of existing media rows are served, with the same headers as `/content`.
  if (runtime.storage.backend === 'file') {
    app.route<{ Params: { '*': string } }>({
      method: ['GET', 'HEAD'],
      url: '/media/*',
      exposeHeadRoute: false,
      handler: async (request, reply) =>
        sendReply(reply, contentReply(await media.contentByKey(request.params['*']), request)),
    });
  }
}
