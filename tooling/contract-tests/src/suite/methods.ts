// Methods: every known path answers the methods of its `Allow` list, HEAD wherever GET, and
// any other method the HTTP parser accepts (OPTIONS, QUERY, PROPFIND, ... included) with
// `405 method_not_allowed` and the exact `Allow`; unknown paths answer 404 whatever the
// method (docs/contract.md, "Common rules"). Method tokens the parser refuses: parser-errors.ts.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError, expectSecurityHeaders, type Media } from './expect.js';

/**
 * Each path of the contract and its `Allow` value: the methods, alphabetical, ", "-joined.
 * `:id` is a media id, `:key` a stored media key (file backend only: with s3 or azure,
 * `/media/...` is no path of the app).
 */
const ROUTES: ReadonlyArray<readonly [path: string, allow: string]> = [
  ['/', 'GET, HEAD'],
  ['/upload', 'POST'],
  ['/healthz', 'GET, HEAD'],
  ['/readyz', 'GET, HEAD'],
  ['/api/info', 'GET, HEAD'],
  ['/api/media', 'GET, HEAD, POST'],
  ['/api/media/:id', 'DELETE, GET, HEAD'],
  ['/api/media/:id/content', 'GET, HEAD'],
  ['/static/app.css', 'GET, HEAD'],
  ['/media/:key', 'GET, HEAD'],
];

/**
 * Methods a client may send that some path does not answer: the usual ones, and methods
 * Node's parser accepts that no route of the app has. HEAD is left out: a 405 to HEAD has
 * no body to check (and every path that answers HEAD is covered by the GET rule).
 */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'QUERY', 'PROPFIND', 'PURGE'];

const refused = ROUTES.flatMap(([path, allow]) =>
  METHODS.filter((method) => !allow.split(', ').includes(method)).map(
    (method) => [method, path, allow] as const,
  ),
);

export function defineMethodTests(ctx: ContractContext): void {
  describe('methods (405 with Allow)', () => {
    // One stored item gives the `:id` and `:key` paths something real to point at.
    let sample: Promise<Media> | undefined;
    const stored = () =>
      (sample ??= ctx.uploadOk(ctx.unique('methods.txt'), 'methods', 'text/plain', {
        ext: '.txt',
      }));
    const route = async (path: string): Promise<string> => {
      if (!path.includes(':')) return path;
      const media = await stored();
      return path.replace(':id', media.id).replace(':key', media.key);
    };
    /** `/media/<key>` exists only with the file backend. */
    const cloudMedia = (path: string) => path === '/media/:key' && ctx.target.storage !== 'file';

    it.each(refused)('%s %s: 405 method_not_allowed, Allow: %s', async (method, path, allow) => {
      const url = await route(path);
      const res = await ctx.http.request(url, { method });
      if (cloudMedia(path)) {
        // s3 and azure: `/media/<key>` is no path of the app, so 404 whatever the method.
        expectError(res, 404, 'not_found');
        return;
      }
      expectError(res, 405, 'method_not_allowed');
      expect(res.header('allow'), `${method} ${path}`).toBe(allow);
    });

    it.each(['PUT', 'OPTIONS', 'QUERY', 'PROPFIND', 'PURGE'])(
      '%s on an unknown path: 404 not_found',
      async (method) => {
        for (const path of ['/nope', '/api/nope', '/api/media/x/y/z']) {
          expectError(await ctx.http.request(path, { method }), 404, 'not_found');
        }
      },
    );

    it.each(ROUTES.filter(([, allow]) => allow.includes('HEAD')))(
      'HEAD %s: the status and headers of GET, no body',
      async (path, _allow) => {
        const url = await route(path);
        const get = await ctx.http.get(url);
        const head = await ctx.http.request(url, { method: 'HEAD' });
        expect(head.status, `HEAD ${url}`).toBe(get.status);
        expect(head.header('content-type'), `HEAD ${url}`).toBe(get.header('content-type'));
        expect(head.body.length, `HEAD ${url} has a body`).toBe(0);
        expectSecurityHeaders(head);
      },
    );
  });
}
