// `GET /api/info`: the framework, version, stage, database and storage (nothing secret).
import { handler, json, runtime } from '../../../routes.ts';

export const dynamic = 'force-dynamic';

export const GET = handler(async () => json(200, runtime().info));
