import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { adminAuthHook } from '../admin-auth.js';
import { AdminOrdersQuerySchema, ErrorSchema, OrderSchema } from '../api-schemas.js';
import { orderView } from '../order-view.js';
import type { ServiceOperations } from '../service-operations.js';

export interface AdminRoutesOptions {
  operations: ServiceOperations;
  adminToken: string;
}

/** The merchant's back office, behind `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', adminAuthHook(options.adminToken));

  app.get(
    '/api/admin/orders',
    {
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        querystring: AdminOrdersQuerySchema,
        response: { 200: Type.Array(OrderSchema), 401: ErrorSchema },
      },
    },
    async (request) => {
      const { state, limit } = request.query;
      const orders = await options.operations.listOrders({ state, limit: limit ?? 100 });
      return orders.map((order) => orderView(order));
    },
  );
};
