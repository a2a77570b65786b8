import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { formatChinaTime, type OrderState } from '../../domain/index.js';
import type {
  AdminUseCases,
  PaymentUseCases,
  ReconciliationUseCases,
  RefundUseCases,
  WebhookUseCases,
} from '../../use-cases/index.js';
import {
  AdminOrderSchema,
  AdminOrdersExportQuerySchema,
  AdminOrdersQuerySchema,
} from '../admin-api-schemas.js';
import { adminAuthHook } from '../admin-auth.js';
import { adminView } from '../admin-view.js';
import { ErrorSchema } from '../api-schemas.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import { parseInstant } from '../instant-parser.js';
import type { OrderEventStreams } from '../order-event-stream.js';
import { ordersCsv } from '../orders-csv.js';
import { adminConsoleRoutes } from './admin-console-routes.js';
import { adminProductRoutes } from './admin-product-routes.js';
import { adminReconciliationRoutes } from './admin-reconciliation-routes.js';
import { adminWebhookRoutes } from './admin-webhook-routes.js';

/** The list's filters as the use cases take them, from the query both order routes share. */
function orderFilter(query: Static<typeof AdminOrdersExportQuerySchema>) {
  const { state, payType, apiVersion, productId, amount, q, from, to } = query;
  return {
    state: state as OrderState | OrderState[] | undefined,
    payType,
    apiVersion,
    productId,
    amountFen: amount,
    search: q,
    createdFrom: from === undefined ? undefined : parseInstant(from),
    createdTo: to === undefined ? undefined : parseInstant(to),
  };
}

export interface AdminRoutesOptions {
  payments: Pick<PaymentUseCases, 'listOrders' | 'exportOrders'>;
  /** The console's order detail, query, resend and stats; absent = the order list only. */
  admin?: AdminUseCases;
  /** Lets the order detail list refunds. */
  refunds?: Pick<RefundUseCases, 'listRefunds'>;
  /** The webhook tab; absent = not served. */
  webhooks?: WebhookUseCases;
  /** The reconciliation tab; absent = not served. */
  reconciliation?: ReconciliationUseCases;
  /** Live order states for the lists and the drawer; absent = not served. */
  streams?: OrderEventStreams;
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
      const { limit, before, ...filter } = request.query;
      const orders = await options.payments.listOrders.execute({
        ...orderFilter(filter),
        limit: limit ?? 50,
        afterOrderNo: before,
      });
      return orders.map(adminView.order);
    },
  );

  if (options.streams) {
    const { streams } = options;
    app.get(
      '/api/admin/events',
      { schema: { tags: ['admin'], security: [{ bearer: [] }], produces: ['text/event-stream'] } },
      async (_request, reply) => {
        reply.hijack();
        streams.streamAll(reply.raw);
      },
    );
  }

  app.get(
    '/api/admin/orders.csv',
    {
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        querystring: AdminOrdersExportQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const rows = ordersCsv(options.payments.exportOrders.execute(orderFilter(request.query)));
      const stamp = formatChinaTime(new Date()).replace(/[-: ]/g, '');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="orders-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(rows));
    },
  );

  if (options.admin) {
    await app.register(adminConsoleRoutes, { admin: options.admin, refunds: options.refunds });
    await app.register(adminProductRoutes, { admin: options.admin });
  }
  if (options.webhooks) await app.register(adminWebhookRoutes, { webhooks: options.webhooks });
  if (options.reconciliation) {
    await app.register(adminReconciliationRoutes, { reconciliation: options.reconciliation });
  }
};
