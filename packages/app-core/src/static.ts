// The built assets (app-core's `build` writes them to dist/static) and how to serve them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built assets: `<app-core>/dist/static`. */
export const staticDir: string = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
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

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  path: string;
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/**
 * The built asset a `/static/...` sub-path names, or undefined: no traversal, no dotfiles,
 * no directories. For frameworks without a static-file middleware of their own.
 */
export function lookupStaticFile(subPath: string, dir: string = staticDir): StaticFile | undefined {
  let name: string;
  try {
    name = decodeURIComponent(subPath.replace(/^\/+/, ''));
  } catch {
    return undefined;
  }
  if (name === '' || name.includes('\0') || name.split(/[\\/]/).some((s) => s.startsWith('.'))) {
    return undefined;
  }
  const path = resolve(dir, name);
  if (!path.startsWith(resolve(dir) + sep)) return undefined;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    return {
      path,
      size: stat.size,
      contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      etag: `W/"${stat.size.toString(16)}-${stat.mtimeMs.toString(16)}"`,
      lastModified: stat.mtime,
    };
  } catch {
    return undefined;
  }
}
