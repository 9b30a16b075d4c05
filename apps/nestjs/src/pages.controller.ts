// The HTML page (`/`: the newest uploads and the form) and the form's target (`/upload`: a
// 303 back to the page). The form's errors render the page with the message, through its own
// exception filter instead of the app-wide JSON one.
import { indexPage, type Runtime } from '@divio-samples/app-core';
import { Controller, Get, Header, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FormErrorsFilter } from './errors.filter.ts';
import { RUNTIME } from './runtime.module.ts';
import { UploadService } from './upload.service.ts';

@Controller()
export class PagesController {
  readonly #runtime: Runtime;
  readonly #uploads: UploadService;

  constructor(@Inject(RUNTIME) runtime: Runtime, uploads: UploadService) {
    this.#runtime = runtime;
    this.#uploads = uploads;
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): Promise<string> {
    return indexPage(this.#runtime);
  }

  /** 303 to the page with an empty body (no Express redirect text, like every redirect here). */
  @Post('upload')
  @UseFilters(FormErrorsFilter)
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.#uploads.receive(req);
    res.status(303).location('/').end();
  }
}
