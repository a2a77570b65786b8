import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PaymentUseCases } from '../../use-cases/index.js';
import { auditContextOf } from '../admin-guard.js';
import { ErrorSchema, errorResponses, OrderSchema } from '../api-schemas.js';
import { orderView } from '../order-view.js';
import { PosPaymentBodySchema } from '../pos-schemas.js';

export interface PosRoutesOptions {
  payments: Pick<PaymentUseCases, 'takeInStorePayment'>;
}

/**
 * The till: a cashier (an admin with the `pos` permission, or the merchant's own till system with
 * a merchant API key) sends the scanned payment code. The order and its durable job are stored and
 * the answer is immediate — 202 with the order (NOTPAY) — while the job collects the payment; the
 * outcome arrives on `GET /api/orders/:orderNo/events` (USERPAYING while the customer types the
 * password, then PAID, PAYERROR or REVERSED).
 */
export const posRoutes: FastifyPluginAsyncTypebox<PosRoutesOptions> = async (app, { payments }) => {
  app.post(
    '/api/pos/payments',
    {
      config: { permission: 'pos', orMerchantKey: true },
      schema: {
        tags: ['pos'],
        body: PosPaymentBodySchema,
        response: { 202: OrderSchema, 503: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { authCode, amount, description, productId, quantity, apiVersion, deviceId } = request.body;
      const merchantClient = request.merchantClient ?? undefined;
      const order = await payments.takeInStorePayment.execute(
        {
          authCode,
          ...(amount !== undefined ? { amountFen: amount } : {}),
          ...(description !== undefined ? { description } : {}),
          ...(productId !== undefined ? { productId } : {}),
          ...(quantity !== undefined ? { quantity } : {}),
          ...(apiVersion !== undefined ? { apiVersion } : {}),
          ...(deviceId !== undefined ? { deviceId } : {}),
          ...(merchantClient !== undefined ? { apiClient: merchantClient } : {}),
          clientIp: request.ip,
        },
        merchantClient === undefined ? auditContextOf(request) : undefined,
      );
      return reply.status(202).send(orderView(order));
    },
  );
};
