import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PaymentUseCases } from '../../use-cases/index.js';
import { adminAuthHook } from '../admin-auth.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import type { ServiceMetrics } from '../service-metrics.js';

export interface OpsRoutesOptions {
  payments: Pick<PaymentUseCases, 'checkHealth'>;
  metrics: ServiceMetrics;
  /** `/metrics` needs `Authorization: Bearer <metricsToken>` when set. */
  metricsToken?: string;
  authFailures?: ClientRateLimiter;
}

const HealthSchema = Type.Object({ status: Type.String(), database: Type.String() });

/** For load balancers and Prometheus. */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (
  app,
  { payments, metrics, metricsToken, authFailures },
) => {
  app.get(
    '/health',
    { schema: { tags: ['ops'], response: { 200: HealthSchema, 503: HealthSchema } } },
    async (_request, reply) => {
      const { database } = await payments.checkHealth.execute();
      const up = database === 'up';
      return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', database });
    },
  );

  const guarded = metricsToken ? { onRequest: adminAuthHook(metricsToken, authFailures) } : {};
  const security = metricsToken ? [{ bearer: [] }] : undefined;
  app.get(
    '/metrics',
    { ...guarded, schema: { tags: ['ops'], produces: ['text/plain'], security } },
    async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
