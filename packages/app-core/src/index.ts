// @divio-samples/app-core: the framework-free part of every sample app. Only what the apps
// call is exported; the modules under src/ hold the rest (see README.md).

// HTTP: the rules before the routes, errors, uploads, replies, the page and the assets.
export { closeIfBodyUnread } from './http/connection.js';
export { type ContentReply, contentReply } from './http/content.js';
export {
  type ErrorResponse,
  HttpError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  toErrorResponse,
} from './http/errors.js';
export { errorPage, indexPage } from './http/html.js';
export {
  FILE_FIELD,
  limitedFileStream,
  missingFile,
  multipartOptions,
  receiveFile,
} from './http/multipart.js';
export { parsePageQuery } from './http/page-query.js';
export { checkHost, requestId, securityHeaders, sslRedirect } from './http/policy.js';
export { isStaticAsset, STATIC_CACHE_CONTROL, staticDir } from './http/static.js';
// The media domain, as the apps see it.
export { MAX_PAGE_SIZE } from './media/cursor.js';
export type { Media, MediaService } from './media/service.js';
// The process: serve an app, shut it down, the release command.
export { startupFailure } from './process/config.js';
export { type Logger, logRequest, pathOf } from './process/logs.js';
export { runMigrations } from './process/release.js';
export type { Runtime } from './process/runtime.js';
export {
  handleShutdown,
  type ListenOptions,
  runServer,
  type StartedServer,
  serve,
} from './process/server.js';
