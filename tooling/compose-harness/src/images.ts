// Which base and service images the compose files use. The files name them through
// variables with the official images as defaults; `--images local` points those
// variables at the stand-ins scripts/docker/build-standins.sh makes (for machines that
// cannot pull from a registry, like this project's CI), building any that are missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inspectImage } from './docker.js';
import { commandError, exec as defaultExec, type Exec } from './exec.js';

export type ImageSource = 'official' | 'local';
export const IMAGE_SOURCES: readonly ImageSource[] = ['official', 'local'];

/** The variables the compose files read, and the local stand-in for each. */
export const LOCAL_IMAGES: Readonly<Record<string, string>> = {
  NODE_IMAGE: 'divio-samples-local/node:24-bookworm-slim',
  POSTGRES_IMAGE: 'divio-samples-local/postgres:15',
  MARIADB_IMAGE: 'divio-samples-local/mariadb:10.11',
  AZURITE_IMAGE: 'divio-samples-local/azurite:3',
  S3_IMAGE: 'divio-samples-local/s3rver:3',
  // Not in the apps' compose files: the reverse proxy of the fault suite's replica stack.
  PROXY_IMAGE: 'divio-samples-local/nginx:1',
};

/** The official default of PROXY_IMAGE (the fault suite's reverse proxy). */
export const OFFICIAL_PROXY_IMAGE = 'nginx:1.28';

/** The official default of MARIADB_IMAGE (the compose files use the same default). */
export const OFFICIAL_MARIADB_IMAGE = 'mariadb:10.11';

/** The interpolation variables for a source: none for official (the files' defaults apply). */
export function imageVariables(
  source: ImageSource,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  if (source === 'official') return {};
  const vars: Record<string, string> = {};
  // A variable the user set explicitly wins over the stand-in.
  for (const [name, image] of Object.entries(LOCAL_IMAGES)) vars[name] = env[name] || image;
  return vars;
}

/** The MariaDB image a MySQL-family cell uses. */
export function mariadbImage(
  vars: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return vars.MARIADB_IMAGE || env.MARIADB_IMAGE || OFFICIAL_MARIADB_IMAGE;
}

/**
 * Makes sure every local stand-in exists and is up to date: build-standins.sh rebuilds an
 * image only when its recipe changed (a no-op run takes well under a second). Without the
 * script (a checkout of only this package), the images must already exist.
 * Returns the seconds spent.
 */
export async function ensureLocalImages(
  root: string,
  options: { exec?: Exec; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const exec = options.exec ?? defaultExec;
  const script = join(root, 'scripts', 'docker', 'build-standins.sh');
  if (!existsSync(script)) {
    const missing: string[] = [];
    for (const image of Object.values(LOCAL_IMAGES)) {
      if (!(await inspectImage(image, exec))) missing.push(image);
    }
    if (missing.length > 0) {
      throw new Error(`local images missing (${missing.join(', ')}) and ${script} does not exist`);
    }
    return 0;
  }
  options.log?.(
    'local stand-in images: scripts/docker/build-standins.sh (builds only what changed)',
  );
  const started = Date.now();
  const result = await exec('bash', [script], {
    cwd: root,
    timeoutMs: 30 * 60_000,
    inherit: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.code !== 0) throw commandError('building the local stand-in images', result);
  return (Date.now() - started) / 1000;
}
