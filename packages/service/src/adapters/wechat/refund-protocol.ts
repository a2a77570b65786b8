import type { Order, Refund, WechatRefundStatus } from '../../domain/index.js';

/**
 * Refunds in one API version's dialect: what `SdkRefundGateway` chooses between by the refund's
 * `apiVersion` (the one its order was paid with). Implementations throw the SDK's errors.
 */
export interface RefundProtocol {
  /** Creates the refund at WeChat, to be notified at `notifyUrl`. */
  submit(refund: Refund, order: Order, notifyUrl: string): Promise<WechatRefundStatus>;
  /** `undefined` when WeChat answers but has no such refund. */
  query(refund: Refund, order: Order): Promise<WechatRefundStatus | undefined>;
}
