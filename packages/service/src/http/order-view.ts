import type { Static } from '@sinclair/typebox';
import { formatYuan, type Order, type PayParams, type Product } from '../domain/index.js';
import type { OrderSchema, ProductSchema } from './api-schemas.js';
import { shopperPrepayMessage } from './shopper-messages.js';

export type OrderView = Static<typeof OrderSchema>;
export type ProductView = Static<typeof ProductSchema>;

/**
 * An order as the browser sees it: amounts in fen plus a display string, no internal columns, and
 * for a refused prepay WeChat's code with a sentence for the shopper, never WeChat's own text.
 */
export function orderView(order: Order, payParams?: PayParams): OrderView {
  return {
    orderNo: order.orderNo,
    state: order.state,
    productId: order.productId,
    quantity: order.quantity,
    description: order.description,
    amount: order.amountFen,
    amountText: formatYuan(order.amountFen),
    refundedAmount: order.refundedFen,
    payType: order.payType,
    apiVersion: order.apiVersion,
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
    paidAt: order.paidAt?.toISOString(),
    closedAt: order.closedAt?.toISOString(),
    transactionId: order.transactionId ?? undefined,
    codeUrl: order.codeUrl ?? undefined,
    qrCodeUrl: order.codeUrl ? `/api/orders/${encodeURIComponent(order.orderNo)}/qrcode.svg` : undefined,
    h5Url: order.h5Url ?? undefined,
    payParams,
    wechatError: order.wechatErrorCode
      ? { code: order.wechatErrorCode, message: shopperPrepayMessage(order.wechatErrorCode) }
      : undefined,
  };
}

export function productView(product: Product): ProductView {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.priceFen,
    priceText: formatYuan(product.priceFen),
    available: product.active && (product.stock === null || product.stock > 0),
  };
}
