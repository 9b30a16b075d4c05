// @divio-samples/app-core: the framework-free part of every sample app. Only what the apps
// call is exported; the modules under src/ hold the rest (see README.md).

// HTTP: the rules before the routes, errors, uploads, replies, the page and the assets. (The
// media domain is reached through `Runtime.media`.)
export { contentReply } from './http/content.js';
export { type ErrorResponse, HttpError, toErrorResponse } from './http/errors.js';
export {
  errorPage,
  indexPage,
  indexPageModel,
  type PageItem,
  type PageModel,
} from './http/html.js';
export { receiveFile } from './http/multipart.js';
export { parsePageQuery } from './http/page-query.js';
export {
  checkHost,
  checkUrl,
  requestId,
  securityHeaders,
  sslRedirect,
} from './http/policy.js';
export type { Reply } from './http/reply.js';
export { noRoute, routeMethods } from './http/routes.js';
export { staticReply } from './http/static.js';
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
