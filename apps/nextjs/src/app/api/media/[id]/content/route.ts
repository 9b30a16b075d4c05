// `GET /api/media/:id/content`: a 302 to the object store (s3, azure), or the file itself
// (file backend) with its validators, 304 and HEAD as app-core's `contentReply` decides.
import { core, handler, requestHead, runtime, toResponse } from '../../../../../routes.ts';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = handler(async (request, { params }: Context) => {
  const content = await runtime().media.content((await params).id);
  return toResponse(core().contentReply(content, requestHead(request)));
});
