// The JSON API (`/api/info`, `/api/media...`), the built assets (`/static/<file>`) and, on the
// file backend, the media files themselves (`/media/<key>`).
import { contentReply, parsePageQuery, type Runtime, staticReply } from '@divio-samples/app-core';
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendReply } from './reply.ts';
import { MEDIA, type Media, type MediaPage, type MediaService, RUNTIME } from './runtime.module.ts';
import { UploadService } from './upload.service.ts';

@Controller('api')
export class MediaController {
  readonly #runtime: Runtime;
  readonly #media: MediaService;
  readonly #uploads: UploadService;

  // The values from app-core by token; UploadService, a class, by its type.
  constructor(
    @Inject(RUNTIME) runtime: Runtime,
    @Inject(MEDIA) media: MediaService,
    uploads: UploadService,
  ) {
    this.#runtime = runtime;
    this.#media = media;
    this.#uploads = uploads;
  }

  @Get('info')
  info(): Runtime['info'] {
    return this.#runtime.info;
  }

  @Get('media')
  list(@Query() query: Record<string, unknown>): Promise<MediaPage> {
    return this.#media.list(parsePageQuery({ limit: query.limit, cursor: query.cursor }));
  }

  /** 201 (Nest's default for POST) with `Location`. */
  @Post('media')
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Media> {
    const item = await this.#uploads.receive(req);
    res.location(`/api/media/${item.id}`);
    return item;
  }

  @Get('media/:id')
  get(@Param('id') id: string): Promise<Media> {
    return this.#media.get(id);
  }

  @Delete('media/:id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.#media.delete(id);
  }

  /** The content: app-core decides (a redirect to the object store, 200, 304 or HEAD). */
  @Get('media/:id/content')
  async content(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    sendReply(res, contentReply(await this.#media.content(id), req));
  }
}

/** The built assets, long-cached (pages link them with a content hash): app-core's `staticReply`. */
@Controller('static')
export class StaticController {
  @Get('*path')
  async file(@Req() req: Request, @Res() res: Response): Promise<void> {
    sendReply(res, await staticReply(req, req.path.slice('/static/'.length)));
  }
}

/** The file backend's own media URLs, `/media/<key>` (registered for that backend only). */
@Controller('media')
export class MediaFilesController {
  readonly #media: MediaService;

  constructor(@Inject(MEDIA) media: MediaService) {
    this.#media = media;
  }

  @Get('*key')
  async file(
    @Param('key') key: string | string[],
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const path = ([] as string[]).concat(key).join('/');
    sendReply(res, contentReply(await this.#media.contentByKey(path), req));
  }
}
