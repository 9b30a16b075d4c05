// Errors, the Nest way: exception filters. Whatever a route, a middleware or Nest's router
// throws reaches one of them, and app-core decides the answer (`toErrorResponse`): JSON
// everywhere, the HTML page for the form's route.
//
// Nest has no 405: a request no route answers (a known path asked with another method
// too) is Nest's NotFoundException from its router. The app itself never throws Nest's
// HTTP exceptions (app-core's errors are `HttpError`s), so a NotFoundException here means
// "no route", and app-core's `noRoute` answers it: 405 with `Allow` on one of the contract's
// paths, 404 elsewhere, as in every app.
import {
  type ErrorResponse,
  errorPage,
  noRoute,
  type Runtime,
  toErrorResponse,
} from '@divio-samples/app-core';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RUNTIME } from './runtime.module.ts';

/** Every error as the contract's JSON (`{ error: { code, message } }`); registered app-wide. */
@Catch()
@Injectable()
export class ErrorsFilter implements ExceptionFilter {
  protected readonly runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.runtime = runtime;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const cause =
      exception instanceof NotFoundException
        ? noRoute(req.method, req.path, { fileMedia: this.runtime.storage.backend === 'file' })
        : exception;
    const { status, body, headers } = toErrorResponse(cause, {
      debug: this.runtime.config.divio.debug,
    });
    const reqId: unknown = res.locals.requestId;
    if (status >= 500) this.runtime.logger.error({ err: cause, reqId }, 'request failed');
    if (res.headersSent) {
      // Part of a body already went out (a stream failed): all that is left is to cut it.
      res.destroy();
      return;
    }
    res.status(status).set(headers);
    // Nest does not wait for a filter: a failure to answer is handled here, never left as an
    // unhandled rejection.
    this.respond(res, body).catch((err: unknown) => {
      this.runtime.logger.error({ err, reqId }, 'error response failed');
      res.destroy();
    });
  }

  protected async respond(res: Response, body: ErrorResponse['body']): Promise<void> {
    res.json(body);
  }
}

/** The form's route (`POST /upload`): the same error, shown on the page instead of as JSON. */
@Catch()
@Injectable()
export class FormErrorsFilter extends ErrorsFilter {
  protected override async respond(res: Response, body: ErrorResponse['body']): Promise<void> {
    res.type('html').send(await errorPage(this.runtime, body.error.message));
  }
}
