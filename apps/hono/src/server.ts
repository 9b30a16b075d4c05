// The process entry point (`node dist/server.js`, the image's CMD): read the environment,
// build the Hono app, listen on PORT (80 by default), shut down gracefully on
// SIGTERM/SIGINT. Listening and shutting down are app-core's `serve` and `runServer`, the
// same as in every app: app-core owns Node's http.Server (its timeouts, the answer to
// requests Node's parser refuses, the connection rule, the shutdown), and
// @hono/node-server's `getRequestListener` turns the app's `fetch` (a Web-standard Request
// in, a Response out) into the request listener that server calls.
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ListenOptions, runServer, type StartedServer, serve } from '@divio-samples/app-core';
import { getRequestListener, RequestError } from '@hono/node-server';
import { type App, createApp } from './app.ts';

export type { ListenOptions, StartedServer } from '@divio-samples/app-core';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Starts the app on `options.port` (default PORT); for tests and for `runServer`. */
export function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: ListenOptions = {},
): Promise<StartedServer> {
  return serve((runtime) => nodeListener(createApp(runtime)), env, {
    framework: 'hono',
    version: pkg.version,
    ...options,
  });
}

/**
 * The app as a Node request listener. node-server builds each Request's URL from the Host
 * header and the request target, and answers a bare `400` when the URL parser refuses them
 * (no Host, `Host: user@example.com`, a bad port, `OPTIONS *`). Such a request reaches the
 * app all the same, as a Request with a placeholder URL and the method as sent: the app
 * routes on Node's own URL and reads Host from Node's headers (`c.env.incoming`), so its
 * answer is the one any other app gives (`400 bad_host`, the probes' 200, a 404), with every
 * header and a log line.
 */
export function nodeListener(app: App): RequestListener {
  return (incoming, outgoing) => {
    const bindings = { incoming, outgoing };
    // A listener per request only to know, in errorHandler, which request failed
    // (node-server passes it the error alone); creating one is a closure, nothing more.
    const listener = getRequestListener(app.fetch, {
      errorHandler: (err) => {
        // Anything else (the app's fetch failing outright, which its onError prevents):
        // node-server's own answer.
        if (!(err instanceof RequestError)) return new Response(null, { status: 500 });
        const request = new Request('http://placeholder.invalid/');
        // TRACE and TRACK too, which the Request constructor refuses: the app answers them
        // 405 on a known path like any other method it has no route for.
        Object.defineProperty(request, 'method', { value: incoming.method ?? 'GET' });
        return app.fetch(request, bindings);
      },
    });
    void listener(incoming, outgoing);
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runServer(() => startServer());
}
