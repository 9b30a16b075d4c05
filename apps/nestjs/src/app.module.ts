// The app's modules. AppModule puts them together with app-core's runtime, the app-wide
// exception filter and the middleware that runs before every route:
//
//   RuntimeModule   app-core's Runtime and media service as providers (global)
//   HealthModule    /healthz, /readyz
//   MediaModule     the JSON API, /static; /media/<key> on the file backend
//   PagesModule     / and /upload (HTML; the form's errors render the page)
import type { Runtime } from '@divio-samples/app-core';
import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ErrorsFilter } from './errors.filter.ts';
import { HealthController } from './health.controller.ts';
import { HostCheckMiddleware, HttpsRedirectMiddleware } from './http.middleware.ts';
import { MediaController, MediaFilesController, StaticController } from './media.controller.ts';
import { PagesController } from './pages.controller.ts';
import { RuntimeModule } from './runtime.module.ts';
import { UploadService } from './upload.service.ts';

@Module({ controllers: [HealthController] })
export class HealthModule {}

/** The streaming upload, shared by the API and the form. */
@Module({ providers: [UploadService], exports: [UploadService] })
export class UploadsModule {}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with `forRoot`
export class MediaModule {
  /** `fileMedia`: the file backend serves its media itself, under `/media/<key>`. */
  static forRoot(options: { fileMedia: boolean }): DynamicModule {
    return {
      module: MediaModule,
      imports: [UploadsModule],
      controllers: [
        MediaController,
        StaticController,
        ...(options.fileMedia ? [MediaFilesController] : []),
      ],
    };
  }
}

@Module({ imports: [UploadsModule], controllers: [PagesController] })
export class PagesModule {}

@Module({})
export class AppModule implements NestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        HealthModule,
        MediaModule.forRoot({ fileMedia: runtime.storage.backend === 'file' }),
        PagesModule,
      ],
      // One exception filter for the whole app (JSON errors, 404/405 for no route); a
      // provider, so that it gets the runtime injected.
      providers: [{ provide: APP_FILTER, useClass: ErrorsFilter }],
    };
  }

  /**
   * The host check, then the HTTPS redirect: before every route, and for unknown paths.
   * `'/'`: Nest mounts the root path with Express's `use('/')`, which runs the middleware
   * for every request with `req.url` as received. A wildcard (`'{*path}'`) would mount it at
   * the path it matched: `req.url` is cut to the rest inside the middleware, and a request
   * target holding `#` gets it back with an extra `/` (`/api/media/#x`), which strict
   * routing then misses.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HostCheckMiddleware, HttpsRedirectMiddleware).forRoutes('/');
  }
}
