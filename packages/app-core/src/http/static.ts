// The built assets (app-core's `build` writes them to dist/static) and how to serve them:
// one function for every app, on `send`'s rules.
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import send from '@fastify/send';
import { HttpError, notFound } from './errors.js';
import type { Reply } from './reply.js';

/**
 * Absolute path of the built assets: `<app-core>/dist/static` (from `src/http` and `dist/http`
 * alike). From the module's own file path, not `new URL('.', import.meta.url)`: a bundler
 * (Next.js's Turbopack) rewrites `import.meta.url` to the module's file URL but cannot bundle
 * a URL relative to it, and fails the build.
 */
export const staticDir: string = resolve(
  dirname(fileURLToPath(import.meta.url)),
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
/** The max-age of STATIC_CACHE_CONTROL, in milliseconds (as `send` takes it). */
const STATIC_MAX_AGE_MS = 31_536_000_000;

const PRECONDITION_MESSAGES: Readonly<Record<412 | 416, string>> = {
  412: 'Precondition failed',
  416: 'Range not satisfiable',
};

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
 * The reply for `/static/<subPath>` (`subPath` still percent-encoded, as in the request):
 * the built asset by `send`'s rules (@fastify/send, the fork of the `send` package behind
 * express.static that returns the answer instead of writing it, so every framework sends it
 * the same way): Content-Type, Content-Length, ETag, Last-Modified, the long immutable
 * Cache-Control, `304` for a matching If-None-Match, `206` for a Range, no body for HEAD.
 * Rejects with `404 not_found` for anything that is not a built asset: unknown names,
 * directories, dotfiles, traversal (`..`, encoded or not), undecodable names.
 */
export async function staticReply(
  request: Readable & { method?: string | undefined; headers: IncomingHttpHeaders },
  subPath: string,
  root: string = staticDir,
): Promise<Reply> {
  const result = await send(request, `/${subPath}`, {
    root,
    index: false,
    dotfiles: 'deny',
    extensions: false,
    etag: true,
    lastModified: true,
    acceptRanges: true,
    cacheControl: true,
    maxAge: STATIC_MAX_AGE_MS,
    immutable: true,
  });
  if (result.type !== 'file') {
    result.stream.destroy();
    const status = result.statusCode;
    if (result.type === 'error' && status >= 500) throw result.metadata.error;
    // A failed If-Match/If-Unmodified-Since, or a Range outside the file (with its
    // `Content-Range: bytes */<size>`): send()'s status, in the JSON shape.
    if (status === 412 || status === 416) {
      const range = result.headers['Content-Range'];
      throw new HttpError(status, 'bad_request', PRECONDITION_MESSAGES[status], {
        headers: range ? { 'Content-Range': range } : {},
      });
    }
    // 400 (undecodable), 403 (traversal, dotfile), 404, a directory: no such asset. Never
    // send()'s own message: it can name the file system path.
    throw notFound();
  }
  // send() gives Content-Length as a number; a Reply's headers are strings.
  const headers = Object.fromEntries(
    Object.entries(result.headers).map(([name, value]) => [name, String(value)]),
  );
  if (result.statusCode === 304 || request.method === 'HEAD') {
    result.stream.destroy();
    return { status: result.statusCode, headers };
  }
  return { status: result.statusCode, headers, body: result.stream };
}
