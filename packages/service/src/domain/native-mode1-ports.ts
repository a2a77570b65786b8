import type { WechatReply } from './inbound-notification-ports.js';

/**
 * Native "mode 1" (product QR codes) as the use cases see it. The QR names a product, not an order:
 * when a buyer scans it, WeChat calls the merchant back with the product and the buyer's openid and
 * waits (5 s at most) for a signed answer naming the prepay of an order created there and then.
 */

/** A scan callback whose signature verified with the merchant's API v2 key. */
export interface ProductScan {
  appid: string;
  mchid: string;
  openid: string;
  productId: string;
  /** WeChat's nonce for this scan; with openid and product it identifies a replay. */
  nonceStr: string;
}

/** The merchant's answer to a scan. */
export type ProductScanAnswer =
  /** The order's prepay: WeChat shows the buyer the payment sheet. */
  | { kind: 'prepay'; prepayId: string }
  /** No order (unknown product, sold out, WeChat error…): `message` is shown to the buyer. */
  | { kind: 'declined'; message: string }
  /** The callback itself is refused (bad signature, unreadable, not ours): `message` is for WeChat. */
  | { kind: 'refused'; message: string };

/** The mode-1 protocol on the merchant's WeChat Pay credentials (API v2: only v2 has this callback). */
export interface ProductQrGateway {
  readonly appid: string;
  readonly mchid: string;
  /** The signed `weixin://wxpay/bizpayurl?…` content of a product's QR code. */
  bizPayUrl(productId: string): string;
  /** Verifies and reads a scan callback; throws `NOTIFICATION_REJECTED` (with `details.reason`) when it is not genuine. */
  verifyScan(rawBody: Buffer): ProductScan;
  /** The answer in the signed XML WeChat expects. */
  reply(answer: ProductScanAnswer): WechatReply;
  /** The unsigned refusal of a callback that could not even be read (nothing to sign an answer for). */
  unreadableReply(): WechatReply;
}
