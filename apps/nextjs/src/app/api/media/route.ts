// `GET /api/media` (newest first, keyset pages) and `POST /api/media` (a streamed upload).
import { core, handler, json, runtime, upload } from '../../../routes.ts';

export const dynamic = 'force-dynamic';

export const GET = handler(async (request) => {
  const query = new URL(request.url).searchParams;
  // Repeated parameters stay arrays, so the shared parser answers them with its own 400.
  const field = (name: string) => {
    const values = query.getAll(name);
    return values.length > 1 ? values : values[0];
  };
  return json(
    200,
    await runtime().media.list(
      core().parsePageQuery({ limit: field('limit'), cursor: field('cursor') }),
    ),
  );
});

export const POST = handler(async (request) => {
  const item = await upload(request);
  return json(201, item, { Location: `/api/media/${item.id}` });
});
