import { type Static, Type } from '@sinclair/typebox';
import {
  ApiVersionSchema,
  OrderSchema,
  OrderStateSchema,
  PayTypeSchema,
  TEXT_PATTERN,
  TOKEN_PATTERN,
} from './api-schemas.js';
import { RefundSchema } from './refund-schemas.js';

/** Request and answer shapes of the admin console's API (behind the admin token). */

const DateTime = (description: string) => Type.String({ format: 'date-time', description });

export const AdminOrdersQuerySchema = Type.Object(
  {
    state: Type.Optional(
      Type.Union([OrderStateSchema, Type.Array(OrderStateSchema, { minItems: 1, maxItems: 7 })], {
        description: 'one state, or several (`state=PAID&state=PARTIALLY_REFUNDED`): any of them',
      }),
    ),
    payType: Type.Optional(PayTypeSchema),
    apiVersion: Type.Optional(ApiVersionSchema),
    productId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: TOKEN_PATTERN })),
    amount: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'exactly this amount, in fen',
      }),
    ),
    q: Type.Optional(
      Type.String({
        maxLength: 128,
        pattern: TEXT_PATTERN,
        description: 'an order number prefix, or exactly a WeChat transaction id or a payer openid',
      }),
    ),
    from: Type.Optional(DateTime('created at or after')),
    to: Type.Optional(DateTime('created before')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    before: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Za-z_\\-|*]{6,32}$',
        description: 'the last order number of the previous page: the next page starts after it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AdminOrdersQuery = Static<typeof AdminOrdersQuerySchema>;

/** The export takes the list's filters, without its page: it streams every matching order. */
export const AdminOrdersExportQuerySchema = Type.Omit(AdminOrdersQuerySchema, ['limit', 'before'], {
  additionalProperties: false,
});

/** An order as the admin sees it: the buyer's view plus who paid and when the goods went out. */
export const AdminOrderSchema = Type.Composite([
  OrderSchema,
  Type.Object({
    openid: Type.Optional(
      Type.String({ description: 'the payer the order was made for (JSAPI, mini-program, mode 1)' }),
    ),
    payerOpenid: Type.Optional(
      Type.String({ description: 'who paid, as WeChat reported it with the payment' }),
    ),
    fulfilledAt: Type.Optional(Type.String({ format: 'date-time' })),
    apiClient: Type.Optional(
      Type.String({ description: 'the merchant API key (its name) that placed the order' }),
    ),
  }),
]);

export const HistoryEntrySchema = Type.Object({
  fromState: Type.Union([Type.String(), Type.Null()]),
  toState: Type.String(),
  reason: Type.String(),
  source: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

export const ReceivedNotificationSchema = Type.Object({
  receivedAt: Type.String({ format: 'date-time' }),
  apiVersion: Type.String(),
  kind: Type.String(),
  verified: Type.Boolean({ description: 'signature (and decryption) checked out' }),
  outcome: Type.String({ description: 'applied, duplicate, ignored, anomaly, or rejected: why' }),
  headers: Type.Record(Type.String(), Type.String()),
  rawBody: Type.String({ description: 'exactly as received; attacker-controlled when not verified' }),
  decryptedBody: Type.Optional(
    Type.String({ description: 'a verified v3 notification’s decrypted resource (JSON)' }),
  ),
});

export const OrderDetailSchema = Type.Object({
  order: AdminOrderSchema,
  history: Type.Array(HistoryEntrySchema),
  notifications: Type.Array(ReceivedNotificationSchema),
  /** Absent when the service runs without the refund part. */
  refunds: Type.Optional(Type.Array(RefundSchema)),
});

export const QueryNowSchema = Type.Object({
  tradeState: Type.String({ description: "WeChat's trade_state, or NOT_FOUND" }),
  outcome: Type.String({ description: 'PAID (recovered now), UNCHANGED, SETTLED or ANOMALY' }),
  order: AdminOrderSchema,
});

export const CloseNowSchema = Type.Object({
  outcome: Type.String({ description: 'CLOSED, PAID (WeChat had been paid), SETTLED or ANOMALY' }),
  order: AdminOrderSchema,
});

export const ResendReportSchema = Type.Object({
  notificationId: Type.String(),
  status: Type.String({ description: "the sender's view after the attempt: delivered, pending, failed" }),
  httpStatus: Type.Optional(Type.Integer()),
  acked: Type.Boolean(),
  error: Type.Optional(Type.String()),
});

export const StatsQuerySchema = Type.Object(
  {
    bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
    from: Type.Optional(DateTime('default: 24 h (hour) or 30 days (day) before "to"')),
    to: Type.Optional(DateTime('default: now')),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuerySchema>;

export const StatsBucketSchema = Type.Object({
  start: Type.String({ format: 'date-time', description: 'hour, or China-time (UTC+8) midnight' }),
  paidAmount: Type.Integer({ description: 'fen, orders paid in the bucket (refunds not deducted)' }),
  paidOrders: Type.Integer(),
  createdOrders: Type.Integer(),
  refunds: Type.Integer({ description: 'refunds that succeeded in the bucket' }),
  refundedAmount: Type.Integer({ description: 'fen, their sum' }),
  fee: Type.Integer({
    description: 'fen, WeChat’s fees on the bill lines of the bucket (0 until the day is reconciled)',
  }),
  net: Type.Integer({ description: 'fen: paidAmount − refundedAmount − fee' }),
});
