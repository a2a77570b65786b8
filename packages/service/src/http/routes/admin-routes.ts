import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AdminOrdersQuerySchema, ErrorSchema, OrderSchema } from '../api-schemas.js';
import { orderView } from '../order-view.js';
import type { ServiceOperations } from '../service-operations.js';

export interface AdminRoutesOptions {
  operations: ServiceOperations;
  adminToken: string;
}

/** The merchant's back office, behind `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, options) => {
  const expected = digest(options.adminToken);
  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      return reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'UNAUTHORIZED', message: 'a valid admin token is required' });
    }
  });

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

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
