import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiVersion, InboundNotificationsByVersion, NotificationVerdict } from '../../domain/index.js';
import type {
  HandlePaymentNotificationInput,
  PaymentUseCases,
  RefundUseCases,
} from '../../use-cases/index.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import type { ServiceMetrics } from '../service-metrics.js';
import { acceptRawBodies } from './raw-body.js';
import { send } from './send-wechat-reply.js';

export interface NotifyRoutesOptions {
  payments: Pick<PaymentUseCases, 'handlePaymentNotification'>;
  metrics: ServiceMetrics;
  /** Renders every answer in WeChat's format, in the dialect of the URL's API version. */
  replies: InboundNotificationsByVersion;
  /** Adds `/api/notify/v2/refund` and `/api/notify/v3/refund`. */
  refunds?: Pick<RefundUseCases, 'handleRefundNotification'>;
  /** Failed verifications per source: past the limit, unverified ones get 429 and are not stored. */
  failures?: ClientRateLimiter;
  /** Unverified notifications stored, all sources together (`*`). */
  unverifiedStored?: ClientRateLimiter;
}

/** Notifications are small; anything bigger is not from WeChat. */
const NOTIFY_BODY_LIMIT = 64 * 1024;

/**
 * WeChat's payment callbacks. The body is kept as the exact bytes received (signatures cover them),
 * whatever the content type, and every outcome is answered in WeChat's format — a failure makes
 * WeChat retry on its schedule, so nothing is ever answered with a framework error page.
 */
export const notifyRoutes: FastifyPluginAsync<NotifyRoutesOptions> = async (
  app,
  { payments, metrics, replies, refunds, failures, unverifiedStored },
) => {
  acceptRawBodies(app, NOTIFY_BODY_LIMIT);
  app.setErrorHandler(async (error, request, reply) => {
    request.log.warn({ err: error }, 'notification refused before handling');
    const apiVersion: ApiVersion = request.url.includes('/v2') ? 'v2' : 'v3';
    return send(
      reply,
      replies[apiVersion].reply({ ack: false, failure: 'rejected', message: 'bad request' }),
    );
  });

  type Handler = {
    execute(input: HandlePaymentNotificationInput): Promise<{ verdict: NotificationVerdict }>;
  };
  const handle =
    (apiVersion: ApiVersion, handler: Handler = payments.handlePaymentNotification) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const started = process.hrtime.bigint();
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      // Every notification is verified, whatever its source did before: a limit only decides
      // whether one that fails is stored, and how it is answered — never whether WeChat's is applied.
      const blocked = failures?.retryAfter(request.ip);
      const storeUnverified = blocked === undefined && unverifiedStored?.retryAfter('*') === undefined;
      let verdict: NotificationVerdict;
      try {
        ({ verdict } = await handler.execute({
          apiVersion,
          headers: request.headers,
          rawBody: body,
          storeUnverified,
        }));
      } catch (error) {
        request.log.error({ err: error }, 'notification handling failed');
        verdict = { ack: false, failure: 'error', message: 'internal error, please retry' };
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.notificationSeconds.observe(
        { api_version: apiVersion, outcome: verdict.ack ? 'ack' : 'fail' },
        seconds,
      );
      let limited = false;
      if (!verdict.ack && verdict.unverified) {
        if (storeUnverified) unverifiedStored?.hit('*');
        const wait = blocked ?? failures?.hit(request.ip);
        if (wait !== undefined) {
          metrics.rateLimited.inc({ limit: 'notify' });
          reply.header('Retry-After', String(wait));
          limited = true;
        }
      }
      return send(reply, replies[apiVersion].reply(verdict, limited));
    };

  const schema = { tags: ['wechat'], summary: 'WeChat Pay payment notification (raw body, verified)' };
  app.post('/api/notify/v2', { schema }, handle('v2'));
  app.post('/api/notify/v3', { schema }, handle('v3'));
  if (refunds) {
    const refundSchema = { tags: ['wechat'], summary: 'WeChat Pay refund notification (raw body, verified)' };
    app.post(
      '/api/notify/v2/refund',
      { schema: refundSchema },
      handle('v2', refunds.handleRefundNotification),
    );
    app.post(
      '/api/notify/v3/refund',
      { schema: refundSchema },
      handle('v3', refunds.handleRefundNotification),
    );
  }
};
