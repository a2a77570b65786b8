import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/index.js';
import type { PaymentUseCases } from '../../use-cases/index.js';
import {
  CreateOrderBodySchema,
  ErrorSchema,
  errorResponses,
  IdempotencyHeadersSchema,
  OrderNoParamsSchema,
  OrderSchema,
  ProductSchema,
} from '../api-schemas.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';
import { bearerToken, MerchantApiKeys } from '../merchant-api-auth.js';
import type { OrderEventStreams } from '../order-event-stream.js';
import { MERCHANT_ONLY_FIELDS, orderRequestOf } from '../order-request.js';
import { orderView, productView } from '../order-view.js';
import { QR_TYPES, sendQrCode } from '../qr-code-image.js';
import { rateLimitHook } from '../rate-limit-hook.js';
import type { WechatSessions } from '../wechat-sessions.js';

type OrderUseCases = Pick<PaymentUseCases, 'listProducts' | 'placeOrder' | 'placeMerchantOrder' | 'getOrder'>;

export interface OrderRoutesOptions {
  payments: OrderUseCases;
  streams: OrderEventStreams;
  /** Signed WeChat sessions decide the payer of JSAPI / MINIPROGRAM orders (absent: the body's openid). */
  sessions?: WechatSessions;
  /** Orders (and prepay retries) per client; each asks WeChat for a prepay. */
  orderLimiter?: ClientRateLimiter;
  onLimited?: () => void;
  /** The merchant's own systems: they may order their own amounts, with idempotency keys. */
  merchantKeys?: MerchantApiKeys;
  /** Failed authentications per client (a wrong merchant API key counts as one). */
  authFailures?: ClientRateLimiter;
}

/**
 * The buyer's API: catalogue, orders, their QR codes and their live state. The merchant's own
 * systems place orders on the same route with a merchant API key, and only they may send their
 * own amounts, references and idempotency keys.
 */
export const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (
  app,
  {
    payments,
    streams,
    sessions,
    orderLimiter,
    onLimited,
    merchantKeys = new MerchantApiKeys(),
    authFailures,
  },
) => {
  // The limit is per client IP, for shoppers; a merchant's backend places many orders from one address.
  const limit = orderLimiter && rateLimitHook(orderLimiter, 'orders', onLimited);
  const limited = limit
    ? {
        onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
          if (merchantKeys.clientOf(request) === undefined) await limit(request, reply);
        },
      }
    : {};

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
        headers: IdempotencyHeadersSchema,
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
      const idempotencyKey = request.headers['idempotency-key'];
      const apiClient = merchantKeys.clientOf(request);
      const merchantOnly =
        idempotencyKey !== undefined || MERCHANT_ONLY_FIELDS.some((field) => body[field] !== undefined);
      if (apiClient === undefined && merchantOnly) return refuseWithoutKey(request, reply, authFailures);
      const order = orderRequestOf(body);
      if (apiClient !== undefined) {
        // The merchant's backend signed its buyer in itself: the body's openid is the payer.
        const placed = await payments.placeMerchantOrder.execute({
          apiClient,
          request: { ...order, ...(openid === undefined ? {} : { openid }) },
          idempotencyKey,
          clientIp: request.ip,
        });
        if (placed.replayed) reply.header('Idempotent-Replayed', 'true');
        const { merchantReference } = placed.order;
        return reply.status(201).send({
          ...orderView(placed.order, placed.payParams),
          ...(merchantReference ? { merchantReference } : {}),
        });
      }
      const payer = sessions ? sessions.payerOpenid(request, body.payType, openid) : openid;
      const placed = await payments.placeOrder.execute({
        ...order,
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

/**
 * An own amount, a merchant reference or an idempotency key without a merchant API key: 401. A
 * wrong key counts as a failed sign-in, and a client that failed too often waits (429) first.
 */
async function refuseWithoutKey(
  request: FastifyRequest,
  reply: FastifyReply,
  failures: ClientRateLimiter | undefined,
): Promise<FastifyReply> {
  const wait = failures?.retryAfter(request.ip);
  if (wait !== undefined) {
    return reply
      .status(429)
      .header('Retry-After', String(wait))
      .send({ error: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins; retry in ${wait} s` });
  }
  if (bearerToken(request) !== undefined) failures?.hit(request.ip);
  return reply.status(401).header('WWW-Authenticate', 'Bearer').send({
    error: 'MERCHANT_API_KEY_REQUIRED',
    message:
      'amount, description, merchantReference and Idempotency-Key need a merchant API key (Authorization: Bearer <key>); shoppers order catalogue products, priced by the product',
  });
}

async function codeUrlOf(payments: Pick<OrderUseCases, 'getOrder'>, orderNo: string): Promise<string> {
  const { order } = await payments.getOrder.execute({ orderNo });
  if (!order.codeUrl) throw new DomainError('ORDER_NOT_FOUND', `order ${orderNo} has no QR code`);
  return order.codeUrl;
}
