import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PaymentUseCases } from '../../use-cases/index.js';
import { adminAuthHook } from '../admin-auth.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import type { ServiceMetrics } from '../service-metrics.js';

export interface OpsRoutesOptions {
  payments: Pick<PaymentUseCases, 'checkHealth' | 'checkReadiness'>;
  metrics: ServiceMetrics;
  /** `/metrics` needs `Authorization: Bearer <metricsToken>` when set. */
  metricsToken?: string;
  authFailures?: ClientRateLimiter;
}

const HealthSchema = Type.Object({ status: Type.String(), database: Type.String() });
const LiveSchema = Type.Object({ status: Type.Literal('ok') });
const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({
    database: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    migrations: Type.Union([Type.Literal('applied'), Type.Literal('missing'), Type.Literal('unknown')]),
    shutdown: Type.Union([Type.Literal('no'), Type.Literal('in-progress')]),
  }),
  failed: Type.Array(
    Type.Union([Type.Literal('database'), Type.Literal('migrations'), Type.Literal('shutdown')]),
  ),
});

/**
 * For load balancers, orchestrators and Prometheus. `/health/live` touches nothing (a process that
 * answers is alive; restarting it because the database is down would not help), `/health/ready`
 * says whether to send it traffic; `/health` stays as it was for existing probes.
 */
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

  app.get('/health/live', { schema: { tags: ['ops'], response: { 200: LiveSchema } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    { schema: { tags: ['ops'], response: { 200: ReadySchema, 503: ReadySchema } } },
    async (_request, reply) => {
      const { ready, checks, failed } = await payments.checkReadiness.execute();
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unavailable', checks, failed });
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
