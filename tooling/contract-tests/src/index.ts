// @divio-samples/contract-tests: the sample app contract (docs/contract.md) as code.
export { CHROMIUM_ARGS, chromiumPath, defineBrowserSuite } from './browser.js';
export type { ClientOptions, HttpClient, HttpResponse, RequestOptions } from './client.js';
export { createClient, sendRequest } from './client.js';
export {
  contractEnv,
  contractHeadersTimeoutMs,
  contractIdleTimeoutMs,
  contractMaxUploadBytes,
} from './env.js';
export { decodeEntities, findTags, parseAttributes, type Tag } from './html.js';
export {
  type FilePart,
  type MultipartBody,
  multipartBody,
  type Part,
  type StreamedMultipart,
  streamedMultipart,
  type TextPart,
} from './multipart.js';
export { makePng, PNG_SIGNATURE } from './png.js';
export {
  openConnection,
  type RawConnection,
  type RawResponse,
  type ReadOptions,
  rawMessage,
  rawRequest,
} from './raw.js';
export {
  type ContractSuiteOptions,
  defineContractSuite,
  encodeRfc8187,
  expectError,
  expectSecurityHeaders,
  type Media,
  requestLogLines,
  sha256,
  UUID_PATTERN,
} from './suite.js';
export { type ContractTarget, DATABASES, STORAGES, validateTarget } from './target.js';
