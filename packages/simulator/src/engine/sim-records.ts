/**
 * The simulator's persistent records. Plain JSON-able data: the whole state is saved to the data
 * folder as one document, so a demo survives a restart.
 */

/** An app bound to a merchant: an official account, a mini-program or a mobile app. */
export interface SimApp {
  appid: string;
  secret: string;
  kind: 'official-account' | 'mini-program' | 'app';
  name: string;
}

/** Which key WeChat Pay signs v3 answers and callbacks with for this merchant. */
export type V3SigningMode = 'certificates' | 'public-key';

export interface MerchantRecord {
  mchid: string;
  name: string;
  apps: SimApp[];
  /** API v2 key (32 characters). */
  apiKey: string;
  /** APIv3 key (32 characters). */
  apiV3Key: string;
  merchantPrivateKeyPem: string;
  merchantCertificatePem: string;
  merchantSerialNo: string;
  platformPrivateKeyPem: string;
  platformCertificatePem: string;
  platformSerialNo: string;
  publicKeyId: string;
  publicKeyPem: string;
  publicKeyPrivatePem: string;
  /** `public-key`: answers signed with the public-key-mode key and `/v3/certificates` is 404, as for new merchants. */
  v3SigningMode: V3SigningMode;
  /** Native mode 1: where a scanned product QR is reported (v2 XML). */
  nativeCallbackUrl?: string;
  /**
   * H5 pay domains (商户平台 › H5支付域名): the H5 cashier opens only from pages on these hosts or
   * their subdomains. Absent on merchants saved before it existed: loopback names then.
   */
  h5Domains?: string[];
  /** Sandbox (`/sandboxnew/`) key, issued by `getsignkey`. */
  sandboxSignKey?: string;
  createdAt: number;
}

/** A simulated WeChat user; each app sees them under its own openid. */
export interface SimUser {
  id: string;
  nickname: string;
  /** Fen the user can spend; `null` = unlimited. A payment above it fails with NOTENOUGH. */
  balanceFen: number | null;
  /**
   * Payment codes above this amount wait for the password on the phone (`USERPAYING`); absent →
   * WeChat's rule, above ¥1,000. `0` asks every time, as WeChat's risk control may.
   */
  passwordFreeFen?: number;
}

export type TradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR' | 'REVOKED';
export type TradeType = 'NATIVE' | 'JSAPI' | 'APP' | 'MWEB' | 'MICROPAY';
export type ApiVersion = 'v2' | 'v3';

export interface TradeRecord {
  mchid: string;
  appid: string;
  outTradeNo: string;
  apiVersion: ApiVersion;
  tradeType: TradeType;
  description: string;
  attach?: string;
  totalFen: number;
  currency: string;
  notifyUrl: string;
  /** JSAPI: the payer the order was created for. */
  openid?: string;
  productId?: string;
  clientIp?: string;
  /** Signature of the creating parameters: a re-submit with other parameters is refused. */
  fingerprint: string;
  /** v2 `sign_type` used to create it; notifications are signed the same way. */
  signType?: 'MD5' | 'HMAC-SHA256';
  prepayId: string;
  codeUrl?: string;
  /** MWEB: the `package` of its cashier URL (see `h5/checkmweb-url.ts`); the URL's host is the caller's. */
  h5Package?: string;
  createdAt: number;
  /** Unpaid after this the order is closed (`time_expire`, default 2 h). */
  expiresAt: number;
  state: TradeState;
  stateDesc: string;
  transactionId?: string;
  payerOpenid?: string;
  bankType?: string;
  paidAt?: number;
  closedAt?: number;
  /** Fen refunded successfully or in progress. */
  refundedFen: number;
  /**
   * Set by the control API to stage a reconciliation difference: the payment's notification is
   * never sent and every query or close of the order fails as if lost (SYSTEMERROR); only the bill
   * tells the merchant it was paid.
   */
  lost?: boolean;
  /** MICROPAY: the simulated user whose payment code paid (or is paying) for it. */
  payerUserId?: string;
  /** MICROPAY: the terminal the merchant named (`device_info`, v3 `scene_info.device_id`). */
  deviceId?: string;
  /** MICROPAY waiting for the password: wrong PINs entered so far. */
  wrongPasswords?: number;
  /** MICROPAY: reversed (撤销) at; a paid order's money went back to the payer. */
  reversedAt?: number;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

export interface RefundRecord {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  apiVersion: ApiVersion;
  totalFen: number;
  refundFen: number;
  reason?: string;
  notifyUrl?: string;
  status: RefundStatus;
  createdAt: number;
  successAt?: number;
  /** How the next refund of this trade should end, set by the control API. */
  outcome?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  /** Settled without a notification (control API): the merchant learns of it by query or bill. */
  silent?: boolean;
}
