import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../domain/index.js';
import type { PaymentUseCases } from '../../use-cases/index.js';
import {
  CreateOrderBodySchema,
  ErrorSchema,
  errorResponses,
  OrderNoParamsSchema,
  OrderSchema,
  ProductSchema,
} from '../api-schemas.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import type { OrderEventStreams } from '../order-event-stream.js';
import { orderView, productView } from '../order-view.js';
import { QR_TYPES, sendQrCode } from '../qr-code-image.js';
import { rateLimitHook } from '../rate-limit-hook.js';
import type { WechatSessions } from '../wechat-sessions.js';

type OrderUseCases = Pick<PaymentUseCases, 'listProducts' | 'placeOrder' | 'getOrder'>;

export interface OrderRoutesOptions {
  payments: OrderUseCases;
  streams: OrderEventStreams;
  /** Signed WeChat sessions decide the payer of JSAPI / MINIPROGRAM orders (absent: the body's openid). */
  sessions?: WechatSessions;
  /** Orders (and prepay retries) per client; each asks WeChat for a prepay. */
  orderLimiter?: ClientRateLimiter;
  onLimited?: () => void;
}

/** The buyer's API: catalogue, orders, their QR codes and their live state. */
export const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (
  app,
  { payments, streams, sessions, orderLimiter, onLimited },
) => {
  const limited = orderLimiter ? { onRequest: rateLimitHook(orderLimiter, 'orders', onLimited) } : {};

  app.get(
    '/api/products',
    { schema: { tags: ['checkout'], response: { 200: Type.Array(ProductSchema) } } },
    async () => (await payments.listProducts.execute()).map(productView),
  );

  app.post(
    '/api/orders',
    {
      ...limited,
      schema: {
        tags: ['checkout'],
        summary: 'Create an order and its WeChat prepay; the amount comes from the product',
        body: CreateOrderBodySchema,
        response: {
          201: OrderSchema,
          401: ErrorSchema,
          429: ErrorSchema,
          503: ErrorSchema,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { openid, ...body } = request.body;
      const payer = sessions ? sessions.payerOpenid(request, body.payType, openid) : openid;
      const placed = await payments.placeOrder.execute({
        ...body,
        ...(payer === undefined ? {} : { openid: payer }),
        clientIp: request.ip,
      });
      return reply.status(201).send(orderView(placed.order, placed.payParams));
    },
  );

  app.get(
    '/api/orders/:orderNo',
    {
      schema: {
        tags: ['checkout'],
        params: OrderNoParamsSchema,
        response: { 200: OrderSchema, ...errorResponses },
      },
    },
    async (request) =>
      orderView((await payments.getOrder.execute({ orderNo: request.params.orderNo })).order),
  );

  app.post(
    '/api/orders/:orderNo/prepay',
    {
      ...limited,
      schema: {
        tags: ['checkout'],
        summary: 'Ask WeChat again for the prepay (same out_trade_no) after it failed',
        params: OrderNoParamsSchema,
        response: { 200: OrderSchema, 429: ErrorSchema, 503: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const placed = await payments.placeOrder.retry({ orderNo: request.params.orderNo });
      return orderView(placed.order, placed.payParams);
    },
  );

  for (const format of ['svg', 'png'] as const) {
    app.get(
      `/api/orders/:orderNo/qrcode.${format}`,
      { schema: { tags: ['checkout'], params: OrderNoParamsSchema, produces: [QR_TYPES[format]] } },
      async (request, reply) => {
        const codeUrl = await codeUrlOf(payments, request.params.orderNo);
        return sendQrCode(reply, codeUrl, format, 'private, max-age=300');
      },
    );
  }

  app.get(
    '/api/orders/:orderNo/events',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Server-Sent Events: the current state at once, then every change',
        params: OrderNoParamsSchema,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const { orderNo } = request.params;
      const current = async () => (await payments.getOrder.execute({ orderNo })).order;
      await current();
      reply.hijack();
      await streams.stream(orderNo, reply.raw, current);
    },
  );
};

async function codeUrlOf(payments: Pick<OrderUseCases, 'getOrder'>, orderNo: string): Promise<string> {
  const { order } = await payments.getOrder.execute({ orderNo });
  if (!order.codeUrl) throw new DomainError('ORDER_NOT_FOUND', `order ${orderNo} has no QR code`);
  return order.codeUrl;
}
