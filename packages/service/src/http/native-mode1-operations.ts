import type { WechatReply } from '../domain/index.js';

/**
 * What the Native mode-1 routes need (product QR codes and WeChat's scan callback), bound to the use
 * cases by the composition root; kept apart from `ServiceOperations` so each feature owns its file.
 */
export interface NativeMode1Operations {
  /** The signed `weixin://wxpay/bizpayurl?…` of a product on sale; throws `PRODUCT_NOT_FOUND`. */
  productQrUrl(productId: string): Promise<string>;
  /** Handles a scan callback; resolves with the signed XML reply, whatever became of it. */
  handleProductCallback(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
    serverIp: string,
  ): Promise<WechatReply>;
  /** The refusal of a callback that could not even be read. */
  unreadableReply(): WechatReply;
}
