import { DomainError, type Order } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

/**
 * Asks WeChat for the prepay of an order already stored, and stores what came back — the prepay, or
 * WeChat's error so the buyer and the admin see it. Safe to repeat: the request is rebuilt from the
 * stored order, and WeChat answers the same `out_trade_no` with the same parameters with the same prepay.
 */
export async function requestPrepay(
  deps: Pick<PaymentDeps, 'orders' | 'gateway' | 'logger'>,
  order: Order,
): Promise<Order> {
  let stored: Order | undefined;
  try {
    const prepay = await deps.gateway.createPrepay(order);
    stored = await deps.orders.recordPrepay(order.orderNo, prepay);
  } catch (error) {
    const errorCode = errorCodeOf(error);
    const errorMessage = error instanceof Error ? error.message : 'unexpected failure';
    deps.logger?.warn(
      { orderNo: order.orderNo, errorCode },
      'WeChat prepay failed; the order stays open for a retry',
    );
    stored = await deps.orders.recordPrepay(order.orderNo, { errorCode, errorMessage });
  }
  if (!stored)
    throw new DomainError('ORDER_NOT_FOUND', `order ${order.orderNo} vanished while creating its prepay`);
  return stored;
}

function errorCodeOf(error: unknown): string {
  if (error instanceof DomainError) {
    const code = error.details.wechatCode;
    return typeof code === 'string' ? code : error.code;
  }
  return 'UNEXPECTED_ERROR';
}
