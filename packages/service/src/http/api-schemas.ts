import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import { API_VERSIONS, MAX_CUSTOM_AMOUNT_FEN, ORDER_STATES, PAY_TYPES } from '../domain/index.js';

/** Every request and answer shape of the HTTP API: validation, TypeScript types and OpenAPI from one place. */

/**
 * Free text: no control characters, unpaired UTF-16 halves or XML non-characters — PostgreSQL
 * refuses NUL in text and WeChat's v2 XML cannot carry any of them.
 */
export const TEXT_PATTERN = '^[^\\p{Cc}\\p{Cs}\\uFFFE\\uFFFF]*$';
/** Identifiers (product ids, openids, codes): printable ASCII, no space. */
export const TOKEN_PATTERN = '^[\\x21-\\x7E]*$';

export const ErrorSchema = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    wechatCode: Type.Optional(Type.String()),
    orderNo: Type.Optional(Type.String()),
    retryable: Type.Optional(Type.Boolean()),
    field: Type.Optional(Type.String({ description: 'the refused input, when one field was wrong' })),
  },
  { $id: 'Error' },
);

/** One of a domain enum's values: the schema is built from the domain's `as const` list, never retyped. */
export function LiteralUnion<const T extends readonly string[]>(values: T): TUnion<LiteralTuple<T>> {
  return Type.Union(values.map((value) => Type.Literal(value))) as TUnion<LiteralTuple<T>>;
}

/** `[TLiteral<'A'>, TLiteral<'B'>]` for `['A', 'B']`: a tuple, as the type provider needs. */
type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

export const OrderStateSchema = LiteralUnion(ORDER_STATES);
export const PayTypeSchema = LiteralUnion(PAY_TYPES);
export const ApiVersionSchema = LiteralUnion(API_VERSIONS);

export const ProductSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Integer({ description: 'fen' }),
  priceText: Type.String(),
  available: Type.Boolean(),
});

export const CreateOrderBodySchema = Type.Object(
  {
    productId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TOKEN_PATTERN,
        description: 'a catalogue product; required unless `amount` is given',
      }),
    ),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    amount: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_CUSTOM_AMOUNT_FEN,
        description: 'fen, instead of a product: merchant API key only (with `description`)',
      }),
    ),
    description: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TEXT_PATTERN,
        description: 'what the payer sees, with `amount`: merchant API key only',
      }),
    ),
    merchantReference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TOKEN_PATTERN,
        description:
          'your own order or invoice number, kept with the order and sent in webhooks: merchant API key only',
      }),
    ),
    payType: PayTypeSchema,
    apiVersion: Type.Optional(ApiVersionSchema),
    openid: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: TOKEN_PATTERN })),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBodySchema>;

export const OrderSchema = Type.Object({
  orderNo: Type.String(),
  state: OrderStateSchema,
  productId: Type.String(),
  quantity: Type.Integer(),
  description: Type.String(),
  amount: Type.Integer({
    description: 'fen: the product’s price, or the amount a merchant API key asked for; never a shopper’s',
  }),
  amountText: Type.String(),
  refundedAmount: Type.Integer({ description: 'fen refunded so far (refunds that succeeded)' }),
  payType: PayTypeSchema,
  apiVersion: ApiVersionSchema,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  paidAt: Type.Optional(Type.String({ format: 'date-time' })),
  closedAt: Type.Optional(Type.String({ format: 'date-time' })),
  transactionId: Type.Optional(Type.String()),
  codeUrl: Type.Optional(Type.String()),
  qrCodeUrl: Type.Optional(Type.String()),
  h5Url: Type.Optional(Type.String()),
  payParams: Type.Optional(Type.Record(Type.String(), Type.String())),
  merchantReference: Type.Optional(
    Type.String({ description: 'the merchant system’s reference (answers to a merchant API key only)' }),
  ),
  wechatError: Type.Optional(
    Type.Object(
      { code: Type.String(), message: Type.String() },
      {
        description:
          'a refused prepay: WeChat’s code; the message is for the shopper (the admin view has WeChat’s own text)',
      },
    ),
  ),
});

/** `Idempotency-Key` (merchant API keys only): printable ASCII, up to 255 characters. */
export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: TOKEN_PATTERN,
      description:
        'the same key and body within 24 h give the same order (`Idempotent-Replayed: true`); another body is 409 `IDEMPOTENCY_KEY_REUSED`',
    }),
  ),
});

export const OrderNoParamsSchema = Type.Object({
  orderNo: Type.String({ pattern: '^[0-9A-Za-z_\\-|*]{6,32}$' }),
});
export type OrderNoParams = Static<typeof OrderNoParamsSchema>;

export const errorResponses = {
  400: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  502: ErrorSchema,
};
