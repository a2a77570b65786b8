import { type Static, Type } from '@sinclair/typebox';
import { REFUND_STATES } from '../domain/index.js';
import { ApiVersionSchema, LiteralUnion, TEXT_PATTERN } from './api-schemas.js';

/** Request and answer shapes of the refund API (validation, types and OpenAPI). */

export const RefundStateSchema = LiteralUnion(REFUND_STATES);

export const RefundSchema = Type.Object({
  refundNo: Type.String(),
  orderNo: Type.String(),
  amount: Type.Integer({ description: 'fen' }),
  amountText: Type.String(),
  reason: Type.String(),
  state: RefundStateSchema,
  apiVersion: ApiVersionSchema,
  wechatRefundId: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.String()),
  errorMessage: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  succeededAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const RequestRefundBodySchema = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'fen to refund' }),
    reason: Type.Optional(Type.String({ maxLength: 80, pattern: TEXT_PATTERN })),
    refundNo: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Za-z_\\-|*]{6,64}$',
        description: 'idempotency key, sent to WeChat as out_refund_no; generated when absent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RequestRefundBody = Static<typeof RequestRefundBodySchema>;

export const AdminRefundsQuerySchema = Type.Object({
  state: Type.Optional(RefundStateSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
