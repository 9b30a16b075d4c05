// DEFAULT_STORAGE_DSN (or the split DEFAULT_STORAGE_* variables) -> StorageConfig.
import { optional, SCHEME_RE } from '../env.js';
import { Abandon, Problems } from '../errors.js';
import type { EnvSource, StorageConfig } from '../types.js';
import { parseAzure } from './azure.js';
import { defaultFileStorage, parseFile } from './file.js';
import { parseS3, parseS3Split } from './s3.js';

export { DEFAULT_CONTAINER, detectAzureCredential } from './azure.js';
export { DEFAULT_MEDIA_DIR, DEFAULT_MEDIA_URL } from './file.js';
export { DEFAULT_ACL, DEFAULT_REGION, S3_MARKERS, splitS3Host } from './s3.js';

export interface ReadStorageOptions {
  /** Base for relative file paths and the default media directory (default `process.cwd()`). */
  cwd?: string;
  /** Variable prefix (default `DEFAULT`): reads `<PREFIX>_STORAGE_DSN` and the split variables. */
  prefix?: string;
}

/**
 * Reads `<PREFIX>_STORAGE_DSN` (`s3://`, `az://` or `azure://`, `file:`); without it, the
 * split `<PREFIX>_STORAGE_BUCKET`/`_ACCESS_KEY_ID`/... variables; without those, local files
 * under `./data/media` (flagged `fallback: true`). Throws `DivioEnvError`.
 */
export function readStorage(
  env: EnvSource = process.env,
  options: ReadStorageOptions = {},
): StorageConfig {
  const problems = new Problems();
  const config = collectStorage(env, problems, options);
  problems.throwIfAny();
  return config as StorageConfig;
}

const SPLIT_SUFFIXES = [
  'BUCKET',
  'ACCESS_KEY_ID',
  'SECRET_ACCESS_KEY',
  'CUSTOM_DOMAIN',
  'REGION',
  'ENDPOINT',
];

export function collectStorage(
  env: EnvSource,
  problems: Problems,
  options: ReadStorageOptions = {},
): StorageConfig | undefined {
  const cwd = options.cwd ?? process.cwd();
  const prefix = (options.prefix ?? 'DEFAULT').toUpperCase();
  const variable = `${prefix}_STORAGE_DSN`;
  const dsn = optional(env, variable)?.trim();
  if (dsn === undefined) {
    const anySplit = SPLIT_SUFFIXES.some(
      (s) => optional(env, `${prefix}_STORAGE_${s}`) !== undefined,
    );
    return anySplit ? parseS3Split(env, prefix, problems) : defaultFileStorage(cwd);
  }
  const scheme = SCHEME_RE.exec(dsn)?.[1]?.toLowerCase();
  try {
    switch (scheme) {
      case 's3':
        return parseS3(dsn, variable, problems);
      case 'az':
      case 'azure':
        return parseAzure(dsn, variable, problems);
      case 'file':
        return parseFile(dsn, variable, problems, cwd);
      default:
        problems.add(
          variable,
          scheme === undefined
            ? 'a storage DSN: s3://..., az://... or file:///...'
            : `a storage DSN scheme (s3, az, azure, file), not "${scheme}"`,
          dsn,
          'url',
        );
        return undefined;
    }
  } catch (error) {
    if (error instanceof Abandon) return undefined;
    throw error;
  }
}
