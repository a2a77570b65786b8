import type { MerchantOrderRequest } from '../use-cases/index.js';
import type { CreateOrderBody } from './api-schemas.js';
import { fieldError } from './request-validator.js';

/** The fields of `POST /api/orders` only the merchant's own systems (a merchant API key) may send. */
export const MERCHANT_ONLY_FIELDS = ['amount', 'description', 'merchantReference'] as const;

/**
 * The order a `POST /api/orders` body asks for: a catalogue product (with a quantity), or an amount
 * of the merchant's own with its description — one or the other, never both. The schema checks
 * each field; this checks which go together, and refuses like the schema (400, naming the field).
 */
export function orderRequestOf(body: Omit<CreateOrderBody, 'openid'>): Omit<MerchantOrderRequest, 'openid'> {
  const { productId, quantity, amount, description, merchantReference, payType, apiVersion } = body;
  const common = {
    payType,
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(merchantReference === undefined ? {} : { merchantReference }),
  };
  if (amount === undefined) {
    if (productId === undefined)
      throw fieldError('productId', 'is required (or amount, with a merchant API key)');
    if (description !== undefined) throw fieldError('description', 'goes only with amount');
    return { ...common, productId, ...(quantity === undefined ? {} : { quantity }) };
  }
  if (productId !== undefined) {
    throw fieldError('productId', 'cannot go with amount: an order is a product or an amount of your own');
  }
  if (quantity !== undefined) throw fieldError('quantity', 'goes only with productId');
  if (description === undefined) throw fieldError('description', 'is required with amount');
  return { ...common, custom: { amountFen: amount, description } };
}
