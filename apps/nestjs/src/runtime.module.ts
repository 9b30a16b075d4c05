// The app-core objects the rest of the app injects: the Runtime that app-core's `serve` built
// (config, logger, database, storage) and its media service. They are values, not classes
// Nest constructs, so they are provided under tokens and injected with `@Inject(TOKEN)`.
// The module is global: every feature module sees them without importing it.
import type { Runtime } from '@divio-samples/app-core';
import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';

/** app-core's Runtime (`@Inject(RUNTIME) runtime: Runtime`). */
export const RUNTIME = Symbol('Runtime');
/** The media service, `runtime.media` (`@Inject(MEDIA) media: MediaService`). */
export const MEDIA = Symbol('MediaService');
export type MediaService = Runtime['media'];
/** What the API answers: a media item, and a page of them. */
export type Media = Awaited<ReturnType<MediaService['get']>>;
export type MediaPage = Awaited<ReturnType<MediaService['list']>>;

@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: MEDIA, useValue: runtime.media },
      ],
      exports: [RUNTIME, MEDIA],
    };
  }

  readonly #runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.#runtime = runtime;
  }

  /**
   * The last step of `app.close()`: the database pool and the storage clients. app-core's
   * server calls `app.close()` once the HTTP server has drained (see server.ts), and closes
   * the runtime once more after it, which is a no-op by then (`close()` is idempotent).
   */
  onApplicationShutdown(): Promise<void> {
    return this.#runtime.close();
  }
}
