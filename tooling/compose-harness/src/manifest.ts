// The app manifest, `apps/<name>/sample.json` (docs/contract.md, last section): what the
// harness and the CI matrix need to know about each sample app. It is validated against
// its JSON Schema (sample.schema.json, next to this package's src/) with Ajv; every error
// names the file and the field, so a typo never silently drops a cell.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

export const DATABASES = ['postgres', 'mysql'] as const;
export const STORAGES = ['file', 's3', 'azure'] as const;
export type DatabaseKind = (typeof DATABASES)[number];
export type StorageKind = (typeof STORAGES)[number];

export interface AppManifest {
  /** The directory name under `apps/`, also the name used in cell ids and image tags. */
  name: string;
  /** The framework name `/api/info` reports (`express`, `koa`, `fastify`). */
  framework: string;
  /** The port the image serves on (the platform's convention is 80). */
  port: number;
  health: { liveness: string; readiness: string };
  /** The release command, run as a one-off container from the app's image. */
  release: readonly string[];
  databases: readonly DatabaseKind[];
  storage: readonly StorageKind[];
  /** Copied files this app keeps its own way, with the reason (the drift check skips them). */
  ownFiles: Readonly<Record<string, string>>;
  /** Absolute path of the app directory (holds Dockerfile and docker-compose.yml). */
  dir: string;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** The JSON Schema of sample.json, shipped beside src/ and dist/ (each app's `$schema`). */
export const MANIFEST_SCHEMA_PATH = fileURLToPath(
  new URL('../sample.schema.json', import.meta.url),
);

/** sample.json as the schema guarantees it. */
interface ManifestJson {
  name: string;
  framework: string;
  port: number;
  health: { liveness: string; readiness: string };
  release: string[];
  databases: DatabaseKind[];
  storage: StorageKind[];
  ownFiles?: Record<string, string>;
}

// allErrors: every problem of a manifest at once; verbose: each error carries the value.
const validate = new Ajv2020({ allErrors: true, verbose: true }).compile<ManifestJson>(
  JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')),
);

/** `/health/liveness` -> `health.liveness`, `/databases/1` -> `databases[1]`. */
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
      '',
    );
}

/** One line per schema error, naming the field and, where it helps, the value. */
function describe(error: ErrorObject): string {
  const field = fieldName(error.instancePath);
  const at = field ? `"${field}" ` : '';
  switch (error.keyword) {
    case 'required':
      return `"${field ? `${field}.` : ''}${error.params.missingProperty}" is missing`;
    case 'additionalProperties':
      return `unknown field "${field ? `${field}.` : ''}${error.params.additionalProperty}"`;
    case 'enum':
      return `${at}is ${JSON.stringify(error.data)}; allowed: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${at}${error.message ?? 'is invalid'}, got ${JSON.stringify(error.data)}`;
  }
}

/**
 * Validates one parsed manifest against sample.schema.json. `dirName` is the app's
 * directory name, which the manifest's `name` must equal (cell ids, image tags and
 * `--app` use it): the one rule a schema cannot state.
 */
export function parseManifest(
  json: unknown,
  source: string,
  dir: string,
  dirName: string,
): AppManifest {
  if (!validate(json)) {
    const problems = (validate.errors ?? []).map(describe);
    throw new ManifestError(`${source}: ${problems.join('; ')} (schema: sample.schema.json)`);
  }
  if (json.name !== dirName) {
    throw new ManifestError(
      `${source}: "name" is "${json.name}" but the app directory is "${dirName}"`,
    );
  }
  // Canonical order, so plans and matrices do not depend on how a manifest was written.
  const databases = DATABASES.filter((entry) => json.databases.includes(entry));
  const storage = STORAGES.filter((entry) => json.storage.includes(entry));
  return Object.freeze({
    name: json.name,
    framework: json.framework,
    port: json.port,
    health: Object.freeze({ liveness: json.health.liveness, readiness: json.health.readiness }),
    release: Object.freeze([...json.release]),
    databases: Object.freeze(databases),
    storage: Object.freeze(storage),
    ownFiles: Object.freeze({ ...json.ownFiles }),
    dir,
  });
}

/** Reads and validates one `apps/<name>/sample.json`. */
export function loadManifest(appDir: string, root: string): AppManifest {
  const file = join(appDir, 'sample.json');
  const source = relative(root, file) || file;
  if (!existsSync(file)) {
    throw new ManifestError(
      `${source}: missing; every app under apps/ needs a manifest (see docs/contract.md)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const dirName = appDir.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return parseManifest(json, source, appDir, dirName);
}

/** Every app under `<root>/apps`, sorted by name. An app directory without a manifest is an error. */
export function loadManifests(root: string): AppManifest[] {
  const appsDir = join(root, 'apps');
  if (!existsSync(appsDir)) throw new ManifestError(`${appsDir}: no apps directory`);
  const dirs = readdirSync(appsDir)
    .filter((entry) => !entry.startsWith('.') && statSync(join(appsDir, entry)).isDirectory())
    .sort();
  if (dirs.length === 0)
    throw new ManifestError(`${relative(root, appsDir) || appsDir}: no apps found`);
  return dirs.map((dir) => loadManifest(join(appsDir, dir), root));
}
