import { DomainError, type Order, type WechatGateway, type WechatTradeStatus } from '../../domain/index.js';

/** What `unifiedorder` / `/v3/pay/transactions/*` hand back for the next step of a payment. */
export type Prepay = Awaited<ReturnType<WechatGateway['createPrepay']>>;

/** `payType` picks the mini-program's or the App's appid for v2 calls (v2 signs the appid into every request). */
export type TradeRef = Pick<Order, 'orderNo' | 'apiVersion'> & Partial<Pick<Order, 'payType'>>;

/**
 * Payments in one API version's dialect: what `SdkWechatGateway` chooses between by the order's
 * `apiVersion`. Implementations throw the SDK's errors; the gateway turns them into domain errors.
 */
export interface PaymentProtocol {
  createPrepay(order: Order): Promise<Prepay>;
  /** `NOT_FOUND` when WeChat has no such order. */
  query(order: TradeRef): Promise<WechatTradeStatus>;
  close(order: TradeRef): Promise<'CLOSED' | 'ALREADY_PAID'>;
}

export function requireOpenid(order: Order): string {
  if (order.openid) return order.openid;
  throw new DomainError('OPENID_REQUIRED', `${order.payType} orders need the payer's openid`);
}
