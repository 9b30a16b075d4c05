// @divio-samples/app-core: the framework-free core every sample app shares.
export {
  type AppConfig,
  type AppSettings,
  ConfigError,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  LOG_LEVELS,
  type LogLevel,
  loadConfig,
  startupFailure,
} from './config.js';
export {
  createKnex,
  MIGRATIONS,
  MIGRATIONS_TABLE,
  migrateDown,
  migrateLatest,
  pendingMigrations,
  pingDatabase,
} from './database.js';
export {
  type ErrorBody,
  type ErrorCode,
  type ErrorResponse,
  HttpError,
  isUnavailableError,
  notFound,
  redactMessage,
  toErrorResponse,
} from './errors.js';
export {
  contentDisposition,
  DEFAULT_CONTENT_TYPE,
  DEFAULT_FILENAME,
  isInlineSafe,
  isMediaKey,
  isUuid,
  MAX_FILENAME_LENGTH,
  mediaKey,
  normalizeContentType,
  safeExtension,
  sanitizeFilename,
} from './filename.js';
export {
  type Check,
  type Readiness,
  type ReadinessDeps,
  readiness,
  type ShutdownState,
} from './health.js';
export {
  escapeHtml,
  formatBytes,
  type IndexPageOptions,
  isThumbnailable,
  renderIndexPage,
} from './html.js';
export {
  checkHost,
  firstForwarded,
  HEALTH_PATHS,
  HSTS,
  isHealthPath,
  originOf,
  type Redirect,
  type RedirectRequest,
  requestId,
  type SecurityHeaderOptions,
  securityHeaders,
  sslRedirect,
} from './http-policy.js';
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  logRequest,
  pathOf,
  REDACT_PATHS,
} from './logger.js';
export { type MediaRecord, MediaRepository, type PageCursor } from './media-repository.js';
export {
  ByteCounter,
  CONTENT_CACHE_CONTROL,
  contentHeaders,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  isNotModified,
  MAX_PAGE_SIZE,
  type Media,
  type MediaContent,
  type MediaPage,
  MediaService,
  type MediaServiceOptions,
  mediaUrl,
  parsePageQuery,
  payloadTooLarge,
  REDIRECT_CACHE_CONTROL,
  toMedia,
  type UploadInput,
} from './media-service.js';
export {
  isMultipart,
  type MultipartFile,
  type MultipartOptions,
  receiveFile,
} from './multipart.js';
export {
  applyServerTimeouts,
  type ListenOptions,
  type NodeServerOptions,
  runNodeServer,
  type StartedServer,
  serveNodeHandler,
} from './node-server.js';
export { describeDatabase, runMigrations } from './release.js';
export { type AppInfo, createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { installShutdown, type ShutdownHandle, type ShutdownOptions } from './shutdown.js';
export {
  assetUrl,
  lookupStaticFile,
  STATIC_CACHE_CONTROL,
  type StaticFile,
  staticDir,
} from './static.js';
