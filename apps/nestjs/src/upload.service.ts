// Uploads, for the API and the form alike: the request's `file` part streamed into the media
// service. Express's request reaches this untouched (no body parser, no Multer): app-core's
// `receiveFile` reads it as it arrives, and the media service streams it on to the storage,
// counting bytes against MAX_UPLOAD_BYTES; nothing is buffered or copied to a temp file.
import { type Runtime, receiveFile } from '@divio-samples/app-core';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type Media, RUNTIME } from './runtime.module.ts';

@Injectable()
export class UploadService {
  readonly #runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.#runtime = runtime;
  }

  receive(req: Request): Promise<Media> {
    const { config, media } = this.#runtime;
    return receiveFile(req, { maxBytes: config.maxUploadBytes }, (file) =>
      media.upload({
        stream: file.stream,
        filename: file.filename,
        contentType: file.mimeType,
        limit: config.maxUploadBytes,
      }),
    );
  }
}
