import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { OrderState } from '../../domain/index.js';
import type { AdminUseCases, PaymentUseCases, RefundUseCases } from '../../use-cases/index.js';
import { AdminOrderSchema, AdminOrdersQuerySchema } from '../admin-api-schemas.js';
import { adminAuthHook } from '../admin-auth.js';
import { adminView } from '../admin-view.js';
import { ErrorSchema } from '../api-schemas.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import { parseInstant } from '../instant-parser.js';
import { adminConsoleRoutes } from './admin-console-routes.js';

export interface AdminRoutesOptions {
  payments: Pick<PaymentUseCases, 'listOrders'>;
  /** The console's order detail, query, resend and stats; absent = the order list only. */
  admin?: AdminUseCases;
  /** Lets the order detail list refunds. */
  refunds?: Pick<RefundUseCases, 'listRefunds'>;
  adminToken: string;
  /** Failed authentications per client. */
  authFailures?: ClientRateLimiter;
}

/** The merchant's back office, behind `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', adminAuthHook(options.adminToken, options.authFailures));

  app.get(
    '/api/admin/orders',
    {
      schema: {
        tags: ['admin'],
        summary: 'Orders, newest first: filters, search, pages',
        description:
          '`q` matches an order number prefix, or exactly a WeChat transaction id or a payer openid. ' +
          'For the next page pass `before` = the last order number of this one.',
        security: [{ bearer: [] }],
        querystring: AdminOrdersQuerySchema,
        response: { 200: Type.Array(AdminOrderSchema), 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      const { state, payType, apiVersion, q, from, to, limit, before } = request.query;
      const orders = await options.payments.listOrders.execute({
        state: state as OrderState | undefined,
        payType,
        apiVersion,
        search: q,
        createdFrom: from === undefined ? undefined : parseInstant(from),
        createdTo: to === undefined ? undefined : parseInstant(to),
        limit: limit ?? 50,
        afterOrderNo: before,
      });
      return orders.map(adminView.order);
    },
  );

  if (options.admin)
    await app.register(adminConsoleRoutes, { admin: options.admin, refunds: options.refunds });
};
