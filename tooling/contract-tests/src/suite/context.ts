// What every area of the contract suite shares: the target and an HTTP client bound to it
// (both ready once the suite's `beforeAll` ran), unique names for this run, and the helpers
// that upload, list and fetch media. One context per `defineContractSuite` call.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createClient, type HttpClient, type HttpResponse } from '../client.js';
import { multipartBody, type Part } from '../multipart.js';
import { type ContractTarget, validateTarget } from '../target.js';
import { expectMediaShape, expectRedirect, type Media, type MediaPage } from './expect.js';

/** Hosts a test process can reach directly (emulators run in-process on 127.0.0.1). */
export const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A response read by `content` or `fetchExternal`: from the app, or from a storage host. */
export interface Fetched {
  status: number;
  headers: Headers | null;
  header(name: string): string | undefined;
  body: Buffer;
}

export interface UploadOptions {
  /** Default `/api/media`; `/upload` for the HTML form. */
  path?: string;
  forwardedProto?: string;
}

export interface ContractContext {
  /** Validates the target and binds the client; the suite calls it in its `beforeAll`. */
  connect(): void;
  /** The app under test (only inside hooks and tests). */
  readonly target: ContractTarget;
  /** A client for `target.baseUrl` (only inside hooks and tests). */
  readonly http: HttpClient;
  /** 8 characters that differ per run (request ids, log markers). */
  readonly runId: string;
  /** A filename no other test or run uses. */
  unique(name: string): string;
  /** POSTs a multipart body built from `parts`. */
  upload(parts: Part[], options?: UploadOptions): Promise<HttpResponse>;
  /**
   * Uploads one file through the JSON API and checks the 201 answer in full: `expected`
   * holds what must be stored when it differs from what was sent, and the key's extension.
   * `disposition` sends that Content-Disposition value instead of one built from `filename`.
   */
  uploadOk(
    filename: string,
    data: Uint8Array | string,
    contentType: string | null,
    expected: { filename?: string; contentType?: string; ext: string; disposition?: string },
  ): Promise<Media>;
  /** Every media item, newest first, by following cursors (bounded). */
  listAll(): Promise<Media[]>;
  /**
   * The stored bytes behind `media.url`: the file backend answers 200 itself; s3 and
   * azure answer 302 to the object's URL, followed when the test can reach its host
   * (in-process emulators on 127.0.0.1); `null` when it cannot (a compose service name),
   * after checking the Location's shape.
   */
  content(media: Media): Promise<Fetched | null>;
  /** GET of a URL another host serves (a storage emulator), without following redirects. */
  fetchExternal(location: string): Promise<Fetched>;
}

/** A context for `target`, which is called once, by `connect()`. */
export function createContractContext(target: () => ContractTarget): ContractContext {
  const runId = randomUUID().slice(0, 8);
  let counter = 0;
  let connected: { target: ContractTarget; http: HttpClient } | undefined;
  const ready = () => {
    if (!connected) throw new Error('contract suite: the target is read only inside tests');
    return connected;
  };

  const ctx: ContractContext = {
    connect() {
      const t = validateTarget(target());
      connected = { target: t, http: createClient(t.baseUrl) };
    },
    get target() {
      return ready().target;
    },
    get http() {
      return ready().http;
    },
    runId,
    unique: (name) => `ct-${runId}-${++counter}-${name}`,

    upload(parts, options = {}) {
      const { contentType, body } = multipartBody(parts);
      return ctx.http.request(options.path ?? '/api/media', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
        ...(options.forwardedProto ? { forwardedProto: options.forwardedProto } : {}),
      });
    },

    async uploadOk(filename, data, contentType, expected) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
      const res = await ctx.upload([
        {
          filename,
          contentType,
          data: bytes,
          ...(expected.disposition ? { disposition: expected.disposition } : {}),
        },
      ]);
      expect(res.status, res.text().slice(0, 300)).toBe(201);
      expect(res.header('content-type')).toMatch(/^application\/json\b/i);
      const media = res.json<Media>();
      expectMediaShape(media, {
        filename: expected.filename ?? filename,
        // A part without Content-Type is text/plain (RFC 7578, section 4.4).
        contentType: expected.contentType ?? contentType ?? 'text/plain',
        size: bytes.length,
        ext: expected.ext,
      });
      expect(res.header('location')).toBe(`/api/media/${media.id}`);
      return media;
    },

    async listAll() {
      const items: Media[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 200; page++) {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res = await ctx.http.get(`/api/media?limit=100${query}`);
        expect(res.status, res.text().slice(0, 300)).toBe(200);
        const body = res.json<MediaPage>();
        items.push(...body.items);
        cursor = body.nextCursor;
        if (cursor === null) return items;
      }
      throw new Error('GET /api/media: more than 200 pages of 100, or a cursor that never ends');
    },

    async content(media) {
      const res = await ctx.http.get(media.url);
      if (ctx.target.storage === 'file') {
        expect(res.status, res.text().slice(0, 300)).toBe(200);
        return { status: res.status, headers: null, header: (n) => res.header(n), body: res.body };
      }
      expectRedirect(res, 302);
      const location = res.header('location') ?? '';
      const url = new URL(location);
      expect(['http:', 'https:']).toContain(url.protocol);
      expect(decodeURIComponent(url.pathname).endsWith(`/${media.key}`), location).toBe(true);
      if (!LOCAL_HOSTS.has(url.hostname)) return null;
      return ctx.fetchExternal(location);
    },

    async fetchExternal(location) {
      const res = await fetch(location, { redirect: 'manual' });
      const body = Buffer.from(await res.arrayBuffer());
      return {
        status: res.status,
        headers: res.headers,
        header: (name) => res.headers.get(name) ?? undefined,
        body,
      };
    },
  };
  return ctx;
}
