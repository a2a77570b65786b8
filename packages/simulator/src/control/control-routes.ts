import type { FastifyInstance } from 'fastify';
import { pendingProbeSignatures, requestProbeSignatures } from '../routes/v3/v3-probe-switch.js';
import type { SimContext } from '../sim-context.js';
import { apiCallControlRoutes } from './api-call-control-routes.js';
import { clockControlRoutes } from './clock-control-routes.js';
import { codePaymentControlRoutes } from './code-payment-control-routes.js';
import { ControlError, replyControlError } from './control-error.js';
import { ControlInput } from './control-input.js';
import { faultControlRoutes } from './fault-control-routes.js';
import { merchantControlRoutes } from './merchant-control-routes.js';
import { notificationControlRoutes } from './notification-control-routes.js';
import { orderControlRoutes } from './order-control-routes.js';
import { payRequestRoutes } from './pay-request-routes.js';
import { refundControlRoutes } from './refund-control-routes.js';
import { userControlRoutes } from './user-control-routes.js';

/** Path prefix of the control API and the pages: nothing WeChat serves starts with it. */
export const CONTROL_PREFIX = '/_sim';

/** What the control API and its parts use: everything but the store and the v3 nonce guard. */
export type ControlRoutesDeps = Pick<
  SimContext,
  | 'apiCalls'
  | 'clock'
  | 'codePayments'
  | 'faults'
  | 'merchants'
  | 'notifier'
  | 'publicUrl'
  | 'refunds'
  | 'scheduler'
  | 'paymentCodes'
  | 'trades'
  | 'users'
>;

/**
 * The control API under `/_sim/` (JSON in, JSON out; errors `{error, message}` with a 4xx status):
 * what the simulated world does that no WeChat API call can make happen — a user scanning and
 * paying, the clock moving, a callback resent, a fault injected.
 *
 * It has no authentication, by design: it is a local development tool that hands out every
 * merchant's keys and lets anyone pay any order. Never expose a simulator beyond the developer's
 * machine or a test network.
 */
export function controlRoutes(app: FastifyInstance, ctx: ControlRoutesDeps): void {
  app.register(
    async (scope) => {
      scope.setErrorHandler(replyControlError);
      scope.setNotFoundHandler((request) => {
        throw new ControlError(
          404,
          'NOT_FOUND',
          `no control API at ${request.method} ${request.url.split('?')[0]}`,
        );
      });

      scope.get('/health', async () => ({
        status: 'ok',
        now: ctx.clock.now(),
        url: ctx.publicUrl(),
        merchants: ctx.merchants.list().length,
        pendingTasks: ctx.scheduler.pending,
      }));

      scope.post('/probe-signatures', async (request) => {
        const count = ControlInput.body(request).integer('count', { min: 0, max: 1000 }) ?? 1;
        requestProbeSignatures(ctx, count);
        return { pending: pendingProbeSignatures(ctx) };
      });

      merchantControlRoutes(scope, ctx);
      userControlRoutes(scope, ctx);
      orderControlRoutes(scope, ctx);
      codePaymentControlRoutes(scope, ctx);
      refundControlRoutes(scope, ctx);
      clockControlRoutes(scope, ctx);
      notificationControlRoutes(scope, ctx);
      apiCallControlRoutes(scope, ctx);
      faultControlRoutes(scope, ctx);
      scope.register(async (cors) => payRequestRoutes(cors, ctx));
    },
    { prefix: CONTROL_PREFIX },
  );
}
