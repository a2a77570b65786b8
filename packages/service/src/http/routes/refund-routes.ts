import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RefundUseCases } from '../../use-cases/index.js';
import { auditContextOf } from '../admin-guard.js';
import { ErrorSchema, OrderNoParamsSchema } from '../api-schemas.js';
import { AdminRefundsQuerySchema, RefundSchema, RequestRefundBodySchema } from '../refund-schemas.js';
import { refundView } from '../refund-view.js';

export interface RefundRoutesOptions {
  refunds: Pick<RefundUseCases, 'requestRefund' | 'listRefunds'>;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** Refunds, back office only: refunding needs the `refund` permission, reading them `read`. */
export const refundRoutes: FastifyPluginAsyncTypebox<RefundRoutesOptions> = async (app, { refunds }) => {
  app.post(
    '/api/orders/:orderNo/refunds',
    {
      config: { permission: 'refund' },
      schema: {
        tags: ['refunds'],
        summary: 'Refund all or part of a paid order (retry-safe with refundNo)',
        params: OrderNoParamsSchema,
        body: RequestRefundBodySchema,
        response: { 200: RefundSchema, 201: RefundSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { amount, reason, refundNo } = request.body;
      const { refund, created } = await refunds.requestRefund.execute(
        { orderNo: request.params.orderNo, amountFen: amount, reason, refundNo },
        auditContextOf(request),
      );
      return reply.status(created ? 201 : 200).send(refundView(refund));
    },
  );

  app.get(
    '/api/orders/:orderNo/refunds',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['refunds'],
        params: OrderNoParamsSchema,
        response: { 200: Type.Array(RefundSchema), ...errors },
      },
    },
    async (request) =>
      (await refunds.listRefunds.ofOrder({ orderNo: request.params.orderNo })).map(refundView),
  );

  app.get(
    '/api/admin/refunds',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['admin', 'refunds'],
        querystring: AdminRefundsQuerySchema,
        response: { 200: Type.Array(RefundSchema), 401: ErrorSchema },
      },
    },
    async (request) => {
      const { state, limit } = request.query;
      return (await refunds.listRefunds.execute({ state, limit: limit ?? 100 })).map(refundView);
    },
  );
};
