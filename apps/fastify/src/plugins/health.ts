// Liveness and readiness probes. They answer for any Host and over plain HTTP (the security
// plugin exempts them), and while shutting down: /healthz stays 200, /readyz turns 503.
import type { Runtime } from '@divio-samples/app-core';
import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  runtime: Runtime;
}

export default async function health(
  app: FastifyInstance,
  { runtime }: HealthOptions,
): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: { $ref: 'Health#' } } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: { $ref: 'Readiness#' },
          503: { $ref: 'Readiness#' },
          '5xx': { $ref: 'Error#' },
        },
      },
    },
    async (_request, reply) => {
      const result = await runtime.readiness();
      return reply.code(result.status === 'ok' ? 200 : 503).send(result);
    },
  );
}
