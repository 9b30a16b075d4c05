// `POST /upload`: the form's target. The same upload as `POST /api/media`, then `303` to `/`;
// an error shows the page again with the message and the error's status. (A route handler
// cannot render a page component with a status of its own, so that page is app-core's
// HTML rendering of the same model.)
import { DECLARED_LENGTH } from '../../bridge.ts';
import { core, empty, runtime, upload } from '../../routes.ts';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  try {
    await upload(request);
    return empty(303, { Location: '/' });
  } catch (err) {
    const rt = runtime();
    const { errorPage, toErrorResponse } = core();
    const { status, body, headers } = toErrorResponse(err, { debug: rt.config.divio.debug });
    if (status >= 500) {
      rt.logger.error({ err, reqId: request.headers.get('x-request-id') }, 'request failed');
    }
    const html = await errorPage(rt, body.error.message);
    return new Response(html, {
      status,
      headers: {
        ...headers,
        'Content-Type': 'text/html; charset=utf-8',
        [DECLARED_LENGTH]: String(Buffer.byteLength(html)),
      },
    });
  }
}
