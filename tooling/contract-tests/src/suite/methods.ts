// Methods: every known path answers the methods of its `Allow` list, HEAD wherever GET, and
// any other method (OPTIONS included) with `405 method_not_allowed` and the exact `Allow`
// (docs/contract.md, "Common rules").
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.js';
import { expectError, expectSecurityHeaders } from './expect.js';

/** Each path of the contract and its `Allow` value: the methods, alphabetical, ", "-joined. */
const ROUTES: ReadonlyArray<readonly [path: string, allow: string]> = [
  ['/', 'GET, HEAD'],
  ['/upload', 'POST'],
  ['/healthz', 'GET, HEAD'],
  ['/readyz', 'GET, HEAD'],
  ['/api/info', 'GET, HEAD'],
  ['/api/media', 'GET, HEAD, POST'],
  ['/api/media/:id', 'DELETE, GET, HEAD'],
  ['/api/media/:id/content', 'GET, HEAD'],
];

/**
 * Methods a client may send that some path does not answer. HEAD is left out: a 405 to HEAD
 * has no body to check (and every path that answers HEAD is covered by the GET rule).
 */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A well-formed id: the route matches whether or not such a media item exists. */
const SOME_ID = '00000000-0000-4000-8000-000000000000';

const refused = ROUTES.flatMap(([path, allow]) =>
  METHODS.filter((method) => !allow.split(', ').includes(method)).map(
    (method) => [method, path, allow] as const,
  ),
);

export function defineMethodTests(ctx: ContractContext): void {
  describe('methods (405 with Allow)', () => {
    it.each(refused)('%s %s: 405 method_not_allowed, Allow: %s', async (method, path, allow) => {
      const res = await ctx.http.request(path.replace(':id', SOME_ID), { method });
      expectError(res, 405, 'method_not_allowed');
      expect(res.header('allow'), `${method} ${path}`).toBe(allow);
    });

    it.each(ROUTES.filter(([, allow]) => allow.includes('HEAD')))(
      'HEAD %s: the status and type of GET, no body',
      async (path) => {
        let url = path;
        if (path.includes(':id')) {
          const media = await ctx.uploadOk(ctx.unique('head.txt'), 'head', 'text/plain', {
            ext: '.txt',
          });
          url = path.replace(':id', media.id);
        }
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
