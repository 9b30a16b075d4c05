// `GET /api/media/:id` and `DELETE /api/media/:id` (a body of any type is ignored).
import { handler, json, runtime } from '../../../../routes.ts';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = handler(async (_request, { params }: Context) =>
  json(200, await runtime().media.get((await params).id)),
);

export const DELETE = handler(async (_request, { params }: Context) => {
  await runtime().media.delete((await params).id);
  return new Response(null, { status: 204 });
});
