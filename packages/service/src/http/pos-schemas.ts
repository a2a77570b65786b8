import { type Static, Type } from '@sinclair/typebox';
import { MAX_CUSTOM_AMOUNT_FEN } from '../domain/index.js';
import { ApiVersionSchema, TEXT_PATTERN, TOKEN_PATTERN } from './api-schemas.js';

/**
 * `POST /api/pos/payments`: a payment code scanned at the till, and either an amount typed in or a
 * catalogue product. The code's shape is checked by the use case (400 `PAYMENT_CODE_INVALID`, the
 * code masked), so a misread code gets the till's own error rather than a schema message echoing it.
 */
export const PosPaymentBodySchema = Type.Object(
  {
    authCode: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'the customer’s payment code (付款码): 18 digits starting with 10–15; never logged whole',
    }),
    amount: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_CUSTOM_AMOUNT_FEN, description: 'fen typed at the till' }),
    ),
    description: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TEXT_PATTERN,
        description: 'what the customer sees with `amount` (default 门店收款)',
      }),
    ),
    productId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TOKEN_PATTERN,
        description: 'a catalogue product instead of `amount`',
      }),
    ),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    apiVersion: Type.Optional(ApiVersionSchema),
    deviceId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        pattern: TOKEN_PATTERN,
        description: 'the till, sent to WeChat',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PosPaymentBody = Static<typeof PosPaymentBodySchema>;
