// The app manifest, `apps/<name>/sample.json` (docs/contract.md, last section): what the
// harness and the CI matrix need to know about each sample app. Validation is strict and
// every error names the file and the field, so a typo never silently drops a cell.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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
  /** Absolute path of the app directory (holds Dockerfile and docker-compose.yml). */
  dir: string;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const KNOWN_KEYS = new Set([
  '$schema',
  'name',
  'framework',
  'port',
  'health',
  'release',
  'databases',
  'storage',
]);

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, field: string, source: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ManifestError(`${source}: "${field}" must be a non-empty string`);
  }
  return value;
}

function subset<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
  source: string,
): T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ManifestError(
      `${source}: "${field}" must be a non-empty array of ${allowed.map((a) => `"${a}"`).join(', ')}`,
    );
  }
  const seen = new Set<T>();
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item)) {
      throw new ManifestError(
        `${source}: "${field}[${index}]" is ${JSON.stringify(item)}; allowed: ${allowed.join(', ')}`,
      );
    }
    if (seen.has(item as T)) {
      throw new ManifestError(`${source}: "${field}" lists "${item}" twice`);
    }
    seen.add(item as T);
  }
  // Canonical order, so plans and matrices do not depend on how a manifest was written.
  return allowed.filter((entry) => seen.has(entry));
}

function healthPath(value: unknown, field: string, source: string): string {
  const path = nonEmptyString(value, field, source);
  if (!path.startsWith('/') || /\s/.test(path)) {
    throw new ManifestError(
      `${source}: "${field}" must be a path starting with "/", got ${JSON.stringify(path)}`,
    );
  }
  return path;
}

/**
 * Validates one parsed manifest. `dirName` is the app's directory name, which the
 * manifest's `name` must equal (cell ids, image tags and `--app` use it).
 */
export function parseManifest(
  json: unknown,
  source: string,
  dir: string,
  dirName: string,
): AppManifest {
  if (!isRecord(json)) throw new ManifestError(`${source}: must hold a JSON object`);
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ManifestError(
        `${source}: unknown field "${key}" (known: ${[...KNOWN_KEYS].filter((k) => k !== '$schema').join(', ')})`,
      );
    }
  }
  const name = nonEmptyString(json.name, 'name', source);
  if (!NAME.test(name)) {
    throw new ManifestError(
      `${source}: "name" must be lower-case letters, digits and "-" (at most 40), got ${JSON.stringify(name)}`,
    );
  }
  if (name !== dirName) {
    throw new ManifestError(`${source}: "name" is "${name}" but the app directory is "${dirName}"`);
  }
  const framework = nonEmptyString(json.framework, 'framework', source);
  const port = json.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ManifestError(
      `${source}: "port" must be an integer from 1 to 65535, got ${JSON.stringify(port)}`,
    );
  }
  if (!isRecord(json.health)) {
    throw new ManifestError(
      `${source}: "health" must be an object with "liveness" and "readiness" paths`,
    );
  }
  const health = {
    liveness: healthPath(json.health.liveness, 'health.liveness', source),
    readiness: healthPath(json.health.readiness, 'health.readiness', source),
  };
  const release = json.release;
  if (
    !Array.isArray(release) ||
    release.length === 0 ||
    !release.every((part) => typeof part === 'string' && part !== '')
  ) {
    throw new ManifestError(
      `${source}: "release" must be a non-empty array of non-empty strings (exec form, e.g. ["node", "dist/migrate.js"])`,
    );
  }
  return Object.freeze({
    name,
    framework,
    port,
    health: Object.freeze(health),
    release: Object.freeze([...(release as string[])]),
    databases: Object.freeze(subset(json.databases, 'databases', DATABASES, source)),
    storage: Object.freeze(subset(json.storage, 'storage', STORAGES, source)),
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
