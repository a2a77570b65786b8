import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AdminPermission } from '../../domain/index.js';
import type { AdminUseCases, RefundUseCases } from '../../use-cases/index.js';
import {
  CloseNowSchema,
  OrderDetailSchema,
  QueryNowSchema,
  ResendReportSchema,
  StatsBucketSchema,
  StatsQuerySchema,
} from '../admin-api-schemas.js';
import { auditContextOf } from '../admin-guard.js';
import { adminView } from '../admin-view.js';
import { ErrorSchema, errorResponses, OrderNoParamsSchema } from '../api-schemas.js';
import { parseInstant } from '../instant-parser.js';
import { refundView } from '../refund-view.js';

export interface AdminConsoleRoutesOptions {
  admin: AdminUseCases;
  /** The order detail lists the order's refunds when the refund part is served. */
  refunds?: Pick<RefundUseCases, 'listRefunds'>;
}

const admin = { tags: ['admin'] };
const can = (permission: AdminPermission) => ({ config: { permission } });

/**
 * The admin console's order detail, "query WeChat now", notification resend and dashboard stats.
 * Viewers read; querying WeChat needs `reconcile`, closing `close`, asking for a resend `resend`.
 */
export const adminConsoleRoutes: FastifyPluginAsyncTypebox<AdminConsoleRoutesOptions> = async (
  app,
  options,
) => {
  const useCases = options.admin;

  app.get(
    '/api/admin/orders/:orderNo',
    {
      ...can('read'),
      schema: {
        ...admin,
        summary: "An order's full story: transitions and every notification received, raw",
        params: OrderNoParamsSchema,
        response: { 200: OrderDetailSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const detail = await useCases.getOrderDetail.execute({ orderNo: request.params.orderNo });
      const refunds = await options.refunds?.listRefunds.ofOrder({ orderNo: detail.order.orderNo });
      return {
        order: adminView.order(detail.order),
        history: detail.history.map(adminView.history),
        notifications: detail.notifications.map(adminView.notification),
        refunds: refunds?.map(refundView),
      };
    },
  );

  app.post(
    '/api/admin/orders/:orderNo/query',
    {
      ...can('reconcile'),
      schema: {
        ...admin,
        summary: 'Query WeChat now; an order paid there becomes PAID here',
        params: OrderNoParamsSchema,
        response: { 200: QueryNowSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const result = await useCases.reconcileOrder.queryNow(
        { orderNo: request.params.orderNo, source: 'admin' },
        auditContextOf(request),
      );
      return { tradeState: result.tradeState, outcome: result.outcome, order: adminView.order(result.order) };
    },
  );

  app.post(
    '/api/admin/orders/:orderNo/close',
    {
      ...can('close'),
      schema: {
        ...admin,
        params: OrderNoParamsSchema,
        response: { 200: CloseNowSchema, 401: ErrorSchema, 503: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const result = await useCases.closeOrder.closeNow(
        { orderNo: request.params.orderNo },
        auditContextOf(request),
      );
      return { outcome: result.outcome, order: adminView.order(result.order!) };
    },
  );

  app.post(
    '/api/admin/orders/:orderNo/notifications/resend',
    {
      ...can('resend'),
      schema: {
        ...admin,
        summary: 'Ask for the payment notification again (simulator only)',
        description:
          'WeChat Pay has no resend API: it retries on its own schedule. In demo mode the simulator ' +
          'resends the latest payment notification of the order; otherwise 501 NOT_AVAILABLE.',
        params: OrderNoParamsSchema,
        response: { 200: ResendReportSchema, 401: ErrorSchema, 501: ErrorSchema, ...errorResponses },
      },
    },
    async (request) =>
      useCases.requestNotificationResend.execute(
        { orderNo: request.params.orderNo },
        auditContextOf(request),
      ),
  );

  app.get(
    '/api/admin/stats',
    {
      ...can('read'),
      schema: {
        ...admin,
        summary: 'Paid amount, paid and created orders per hour or China-time day',
        querystring: StatsQuerySchema,
        response: { 200: Type.Array(StatsBucketSchema), 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      const { bucket, from, to } = request.query;
      const buckets = await useCases.getOrderStats.execute({
        bucket: bucket ?? 'hour',
        from: from === undefined ? undefined : parseInstant(from),
        to: to === undefined ? undefined : parseInstant(to),
      });
      return buckets.map(adminView.bucket);
    },
  );
};
