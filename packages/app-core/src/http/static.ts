// The built assets (app-core's `build` writes them to dist/static) and how to serve them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built assets: `<app-core>/dist/static` (from `src/http` and `dist/http` alike). */
export const staticDir: string = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '..',
  '..',
  'dist',
  'static',
);

/**
 * Assets are served from `/static/<name>` with this Cache-Control. Safe because pages link
 * them with a content hash in the query (`assetUrl`), so a deploy changes every URL.
 */
export const STATIC_CACHE_CONTROL = 'public, max-age=31536000, immutable';

let manifest: Readonly<Record<string, string>> | undefined;

function readManifest(): Readonly<Record<string, string>> {
  if (manifest) return manifest;
  const file = join(staticDir, 'manifest.json');
  manifest = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  return manifest;
}

/** `/static/app.css?v=<content hash>`: the URL pages use for a built asset. */
export function assetUrl(name: string): string {
  const hash = readManifest()[name];
  return hash ? `/static/${name}?v=${hash}` : `/static/${name}`;
}

/**
 * Whether a `/static/...` sub-path (still percent-encoded) names a built asset: a file in
 * `dir`, reached without traversal, dotfiles or directories. For a framework whose
 * static-file plugin would answer the others with its own 403 (Fastify's) instead of the
 * app's 404.
 */
export function isStaticAsset(subPath: string, dir: string = staticDir): boolean {
  let name: string;
  try {
    name = decodeURIComponent(subPath.replace(/^\/+/, ''));
  } catch {
    return false;
  }
  if (name === '' || name.includes('\0') || name.split(/[\\/]/).some((s) => s.startsWith('.'))) {
    return false;
  }
  const path = resolve(dir, name);
  if (!path.startsWith(resolve(dir) + sep)) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
