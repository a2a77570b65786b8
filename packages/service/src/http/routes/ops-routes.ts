import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceMetrics } from '../service-metrics.js';
import type { ServiceOperations } from '../service-operations.js';

export interface OpsRoutesOptions {
  operations: ServiceOperations;
  metrics: ServiceMetrics;
}

const HealthSchema = Type.Object({ status: Type.String(), database: Type.String() });

/** For load balancers and Prometheus. */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (
  app,
  { operations, metrics },
) => {
  app.get(
    '/health',
    { schema: { tags: ['ops'], response: { 200: HealthSchema, 503: HealthSchema } } },
    async (_request, reply) => {
      const up = await operations.ping().catch(() => false);
      return reply
        .status(up ? 200 : 503)
        .send({ status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' });
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], produces: ['text/plain'] } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
