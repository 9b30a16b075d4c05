// @divio-samples/media-storage: one streaming storage interface over S3, Azure Blob and
// local files, built from the storage config divio-env reads from DEFAULT_STORAGE_DSN.
import type { StorageConfig } from '@divio-samples/divio-env';
import type { AzureBackendOptions } from './backends/azure.js';
import { type FileBackendOptions, FileStorage } from './backends/file.js';
import type { S3BackendOptions } from './backends/s3.js';
import { StorageError } from './errors.js';
import type { MediaStorage } from './types.js';

export interface StorageOptions {
  s3?: S3BackendOptions;
  azure?: AzureBackendOptions;
  file?: FileBackendOptions;
}

/**
 * The backend that `config.backend` names, ready to use (no I/O until the first call).
 * Only that backend's SDK is loaded (a dynamic `import()`): the AWS and Azure SDKs are
 * most of what a server evaluates at start, and an app on file storage needs neither
 * (start-up time and idle memory; see docs/benchmarks.md).
 */
export async function createStorage(
  config: StorageConfig,
  options: StorageOptions = {},
): Promise<MediaStorage> {
  switch (config.backend) {
    case 's3': {
      const { S3Storage } = await import('./backends/s3.js');
      return new S3Storage(config, options.s3);
    }
    case 'azure': {
      const { AzureStorage } = await import('./backends/azure.js');
      return new AzureStorage(config, options.azure);
    }
    case 'file':
      return new FileStorage(config, options.file);
    default: {
      const backend: unknown = (config as { backend?: unknown }).backend;
      throw new StorageError('Unknown', `Unsupported storage backend: ${String(backend)}`);
    }
  }
}

// The S3 and Azure classes as types only: a value export would load their SDKs with this
// module. `createStorage` is how to get one.
export type { AzureBackendOptions, AzureStorage } from './backends/azure.js';
export type { FileBackendOptions } from './backends/file.js';
export { FileStorage } from './backends/file.js';
export type { S3BackendOptions, S3Storage } from './backends/s3.js';
export { isStorageError, StorageError, type StorageErrorOptions } from './errors.js';
export {
  encodeKeyPath,
  keyProblem,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
  type NewKeyOptions,
  newKey,
  validateKey,
  validatePrefix,
} from './keys.js';
export type {
  MediaStorage,
  ObjectInfo,
  ObjectStream,
  PutBody,
  PutOptions,
  StorageBackend,
  StorageErrorCode,
  UrlOptions,
} from './types.js';
