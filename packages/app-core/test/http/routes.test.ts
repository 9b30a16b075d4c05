// noRoute: what every app answers when its router found nothing (405 + Allow on the
// contract's paths, 404 elsewhere), from one table.
import { describe, expect, it } from 'vitest';
import { noRoute } from '../../src/http/routes.js';

const ID = '00000000-0000-4000-8000-000000000000';

describe('noRoute', () => {
  it.each<[string, string, boolean, string | undefined]>([
    // [method, path, file backend, Allow (405) or undefined (404)]
    ['PUT', '/', false, 'GET, HEAD'],
    ['GET', '/upload', false, 'POST'],
    ['OPTIONS', '/healthz', false, 'GET, HEAD'],
    ['POST', '/readyz', false, 'GET, HEAD'],
    ['DELETE', '/api/info', false, 'GET, HEAD'],
    ['PUT', '/api/media', false, 'GET, HEAD, POST'],
    ['QUERY', '/api/media', false, 'GET, HEAD, POST'],
    ['PUT', `/api/media/${ID}`, false, 'DELETE, GET, HEAD'],
    ['PROPFIND', '/api/media/not-a-uuid', false, 'DELETE, GET, HEAD'],
    ['POST', `/api/media/${ID}/content`, false, 'GET, HEAD'],
    ['PURGE', '/static/app.css', false, 'GET, HEAD'],
    ['PUT', '/static/a/b.css', false, 'GET, HEAD'],
    ['PUT', '/media/media/x.png', true, 'GET, HEAD'],
    // Unknown paths, whatever the method.
    ['PUT', '/media/media/x.png', false, undefined],
    ['PUT', '/nope', false, undefined],
    ['GET', '/api/info/', false, undefined],
    ['PUT', '/API/INFO', false, undefined],
    ['PUT', '/api/media/', false, undefined],
    ['PUT', `/api/media/${ID}/content/`, false, undefined],
    ['PUT', `/api/media/${ID}/x/y`, false, undefined],
    ['PUT', '/static/', false, undefined],
    ['PUT', '/static', false, undefined],
    ['PUT', '/media/', true, undefined],
    // A method the path answers that still found nothing (a missing item): 404.
    ['GET', '/static/missing.css', false, undefined],
    ['HEAD', '/api/media', false, undefined],
  ])('%s %s (file backend: %s): Allow %s', (method, path, fileMedia, allow) => {
    const error = noRoute(method, path, { fileMedia });
    if (allow === undefined) {
      expect(error).toMatchObject({ status: 404, code: 'not_found' });
    } else {
      expect(error).toMatchObject({ status: 405, code: 'method_not_allowed' });
      expect(error.headers).toEqual({ Allow: allow });
    }
  });
});
