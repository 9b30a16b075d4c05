// The NestJS app: app-core's runtime wired into Nest modules, controllers, providers,
// middleware and exception filters, on Nest's Express adapter. Everything
// framework-independent (validation, storage, SQL, headers, error mapping, uploads, static
// files) lives in @divio-samples/app-core; Nest decides only where each rule plugs in.
//
// A request meets, in this order:
//   1. requestContext (here, `app.use`): request id, log line, security headers, URL check
//   2. HostCheckMiddleware, HttpsRedirectMiddleware (AppModule, every path; the health
//      paths are exempt, so the probes answer by IP and over plain HTTP)
//   3. the routes: HealthController, MediaController, StaticController,
//      MediaFilesController (file backend), PagesController (app.module.ts)
//   4. nothing answered: Nest's NotFoundException, which ErrorsFilter answers with
//      app-core's noRoute (405 with Allow on a known path, else 404)
//   5. errors: ErrorsFilter (JSON), FormErrorsFilter on POST /upload (the HTML page)
import type { Runtime } from '@divio-samples/app-core';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { AppModule } from './app.module.ts';
import { requestContext } from './http.middleware.ts';
import { NestLogger } from './nest-logger.ts';

export async function createApp(runtime: Runtime): Promise<NestExpressApplication> {
  // Express settings first: its router takes the routing settings when it is created, which
  // the adapter's constructor already does.
  const server = express();
  server.disable('x-powered-by');
  server.set('etag', false);
  // Paths match exactly: `/API/INFO` and `/api/info/` are unknown paths.
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  // On Divio the platform's proxy sets X-Forwarded-For and is the only way in, so req.ip is
  // the client's. (Whether a request came over HTTPS is app-core's decision, from the last
  // X-Forwarded-Proto, not Express's req.protocol.)
  server.set('trust proxy', runtime.config.divio.security.trustProxy);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(runtime),
    new ExpressAdapter(server),
    {
      // No body parsing: uploads stream through app-core's reader, other bodies are ignored.
      bodyParser: false,
      // A failing start-up throws to app-core's `serve` (which says what failed and exits 1)
      // instead of Nest aborting the process.
      abortOnError: false,
      logger: new NestLogger(runtime.logger),
    },
  );

  // 1. Before anything Nest registers: see http.middleware.ts.
  app.use(requestContext(runtime));

  // 2-5 are registered by init(): the modules' middleware, the routes, the not-found and
  // error handlers.
  await app.init();
  return app;
}
