// JSON schemas of the JSON API's responses (docs/contract.md, docs/openapi.yaml). Fastify
// serializes responses with them (fast-json-stringify): only the declared fields ever leave
// the process. Requests are checked by app-core (ids, the page query), as in every app.

const ERROR_CODES = [
  'bad_request',
  'invalid_query',
  'missing_file',
  'unsupported_media_type',
  'payload_too_large',
  'headers_too_large',
  'request_timeout',
  'not_found',
  'method_not_allowed',
  'bad_host',
  'internal_error',
  'service_unavailable',
] as const;

/** `{ error: { code, message, stack? } }`; `stack` only on a 5xx when DEBUG is on. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
        stack: { type: 'string' },
      },
    },
  },
} as const;

export const mediaSchema = {
  $id: 'Media',
  type: 'object',
  required: ['id', 'key', 'filename', 'contentType', 'size', 'url', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    key: { type: 'string' },
    filename: { type: 'string' },
    contentType: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    url: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const mediaPageSchema = {
  $id: 'MediaPage',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: 'Media#' } },
    nextCursor: { type: ['string', 'null'] },
  },
} as const;

export const infoSchema = {
  $id: 'Info',
  type: 'object',
  required: ['framework', 'version', 'stage', 'database', 'storage', 'node'],
  properties: {
    framework: { type: 'string' },
    version: { type: 'string' },
    stage: { type: 'string' },
    database: { type: 'string' },
    storage: { type: 'string' },
    node: { type: 'string' },
  },
} as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', const: 'ok' } },
} as const;

const checkSchema = {
  type: 'object',
  required: ['ok'],
  properties: { ok: { type: 'boolean' }, error: { type: 'string' } },
} as const;

export const readinessSchema = {
  $id: 'Readiness',
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      required: ['database', 'migrations', 'storage', 'shutdown'],
      properties: {
        database: checkSchema,
        migrations: checkSchema,
        storage: checkSchema,
        shutdown: checkSchema,
      },
    },
  },
} as const;

/** Every shared schema, for `app.addSchema` (routes refer to them as `{ $ref: 'Media#' }`). */
export const sharedSchemas = [
  errorSchema,
  mediaSchema,
  mediaPageSchema,
  infoSchema,
  healthSchema,
  readinessSchema,
];

/** Error answers every JSON route can give. */
export const errorResponses = {
  '4xx': { $ref: 'Error#' },
  '5xx': { $ref: 'Error#' },
} as const;
