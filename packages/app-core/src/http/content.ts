// The reply for a media item's content (`GET|HEAD /api/media/:id/content` and the file
// backend's `/media/<key>`), decided once for every framework: a redirect to the object
// store, or the file with its headers; 304 when the client's copy is current (the `fresh`
// package: If-None-Match, else If-Modified-Since); no body for HEAD. Each app only applies it.
import type { IncomingHttpHeaders } from 'node:http';
import fresh from 'fresh';
import type { MediaContent } from '../media/service.js';
import { type Reply, redirectReply } from './reply.js';

/** Cache lifetime of media content served by the app (private: it may be deleted). */
export const CONTENT_CACHE_CONTROL = 'private, max-age=3600';
/** Cache lifetime of the redirect to the object store (signed URLs expire). */
export const REDIRECT_CACHE_CONTROL = 'private, max-age=60';

type StreamContent = Extract<MediaContent, { kind: 'stream' }>;

/**
 * The headers of a streamed media item: type, length, validators, caching, nosniff and the
 * download disposition for content a browser could run.
 */
export function contentHeaders(content: StreamContent): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': content.contentType,
    'Content-Length': String(content.size),
    ETag: content.etag,
    'Last-Modified': content.lastModified.toUTCString(),
    'Cache-Control': CONTENT_CACHE_CONTROL,
    'X-Content-Type-Options': 'nosniff',
  };
  if (content.disposition) headers['Content-Disposition'] = content.disposition;
  return headers;
}

/**
 * The client's copy is current: If-None-Match names the ETag (or `*`), or, without
 * If-None-Match, If-Modified-Since is not older than Last-Modified (`fresh`). The request's
 * Cache-Control is left out on purpose: `fresh` treats `no-cache` as "send it all again",
 * but that directive is addressed to caches on the way (RFC 9111 section 5.2.1.4), and the
 * origin answers a matching If-None-Match with 304 (RFC 9110 section 13.1.2). Browsers send
 * `no-cache` on every reload, and fetch() with every conditional request.
 */
function isFresh(headers: IncomingHttpHeaders, etag: string, lastModified: string): boolean {
  const { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince } = headers;
  return fresh(
    {
      ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}),
      ...(ifModifiedSince ? { 'if-modified-since': ifModifiedSince } : {}),
    },
    { etag, 'last-modified': lastModified },
  );
}

/**
 * What to answer `request` (GET or HEAD) with `content`. A 304 carries the validators and
 * the caching header only (RFC 9110 section 15.4.5), never a body; HEAD gets the headers a
 * GET would. Whenever no body goes out, the content's stream is destroyed here.
 */
export function contentReply(
  content: MediaContent,
  request: { method?: string | undefined; headers: IncomingHttpHeaders },
): Reply {
  if (content.kind === 'redirect') {
    return redirectReply(302, content.location, { 'Cache-Control': REDIRECT_CACHE_CONTROL });
  }
  const headers = contentHeaders(content);
  const validators = {
    ETag: content.etag,
    'Last-Modified': content.lastModified.toUTCString(),
    'Cache-Control': CONTENT_CACHE_CONTROL,
  };
  if (isFresh(request.headers, validators.ETag, validators['Last-Modified'])) {
    content.stream.destroy();
    return { status: 304, headers: validators };
  }
  if (request.method === 'HEAD') {
    content.stream.destroy();
    return { status: 200, headers };
  }
  return { status: 200, headers, body: content.stream };
}
