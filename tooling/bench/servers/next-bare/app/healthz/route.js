// The bare hello world of Next.js (see ../../bare.mjs for the other frameworks): one App
// Router route handler, as Next's documentation shows it, in a production build started
// with `next start`. The suite builds it (`next build`, into .next) when it is missing or
// stale: src/next-bare.ts.
export function GET() {
  return Response.json({ status: 'ok' });
}
