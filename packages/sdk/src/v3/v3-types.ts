/**
 * API v3 request and answer shapes, in WeChat's own snake_case so that a field can be looked up in
 * the official documentation by its name. Every amount is an integer number of fen.
 */

import type { HttpMethod } from '../core/http-client.js';

/** `trade_state` of a transaction. `USERPAYING` / `REVOKED` only occur for payment-code (barcode) pay. */
export type V3TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

/** `trade_type` as WeChat reports it; H5 orders come back as `MWEB`. */
export type V3TradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MICROPAY' | 'MWEB' | 'FACEPAY';

/** Refund `status` (query) and `refund_status` (notification). */
export type V3RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export type V3RefundChannel = 'ORIGINAL' | 'BALANCE' | 'OTHER_BALANCE' | 'OTHER_BANKCARD';

export interface V3OrderAmount {
  /** Fen, a positive integer. */
  total: number;
  /** Only `CNY` for domestic merchants; WeChat defaults to it. */
  currency?: 'CNY';
}

export interface V3GoodsDetail {
  merchant_goods_id: string;
  wechatpay_goods_id?: string;
  goods_name?: string;
  quantity: number;
  unit_price: number;
}

export interface V3StoreInfo {
  id: string;
  name?: string;
  area_code?: string;
  address?: string;
}

export interface V3SceneInfo {
  payer_client_ip: string;
  device_id?: string;
  store_info?: V3StoreInfo;
}

/** Fields shared by every "create an order" call; `mchid` is filled in by the client. */
export interface V3OrderParams {
  appid: string;
  /** Shown to the payer, ≤ 127 characters. */
  description: string;
  /** 6–32 characters of `[0-9A-Za-z_-|*]`, unique per merchant; the idempotency key of the order. */
  out_trade_no: string;
  /** RFC 3339 with an offset, e.g. `2026-11-22T20:00:00+08:00`; see `toRfc3339Beijing`. */
  time_expire?: string;
  /** Echoed back in queries and notifications, ≤ 128 characters. */
  attach?: string;
  notify_url: string;
  goods_tag?: string;
  support_fapiao?: boolean;
  amount: V3OrderAmount;
  detail?: { cost_price?: number; invoice_id?: string; goods_detail?: V3GoodsDetail[] };
  scene_info?: V3SceneInfo;
  settle_info?: { profit_sharing?: boolean };
}

export type V3NativeOrderParams = V3OrderParams;

/** JSAPI (official account) and mini-program orders: both name the payer by `openid` under `appid`. */
export interface V3JsapiOrderParams extends V3OrderParams {
  payer: { openid: string };
}

export type V3AppOrderParams = V3OrderParams;

export interface V3H5OrderParams extends Omit<V3OrderParams, 'scene_info'> {
  scene_info: V3SceneInfo & {
    h5_info: {
      type: 'Wap' | 'iOS' | 'Android' | (string & {});
      app_name?: string;
      app_url?: string;
      bundle_id?: string;
      package_name?: string;
    };
  };
}

export interface V3NativeOrderResult {
  /** `weixin://wxpay/bizpayurl?pr=…`, valid 2 hours: render it as a QR code. */
  code_url: string;
}

export interface V3PrepayResult {
  /** Valid 2 hours; turned into client pay parameters by `jsapiPayParamsV3` / `appPayParamsV3`. */
  prepay_id: string;
}

export interface V3H5OrderResult {
  /** Valid 5 minutes; the mobile browser is sent there. */
  h5_url: string;
}

export interface V3PromotionDetail {
  coupon_id: string;
  name?: string;
  scope?: 'GLOBAL' | 'SINGLE';
  type?: 'CASH' | 'NOCASH';
  amount: number;
  stock_id?: string;
  wechatpay_contribute?: number;
  merchant_contribute?: number;
  other_contribute?: number;
  currency?: string;
  goods_detail?: Array<{
    goods_id: string;
    quantity: number;
    unit_price: number;
    discount_amount: number;
    goods_remark?: string;
  }>;
}

/** A transaction as returned by the queries and decrypted from `TRANSACTION.SUCCESS` notifications. */
export interface V3Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  /** Absent while the order is unpaid. */
  transaction_id?: string;
  trade_type?: V3TradeType;
  trade_state: V3TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  /** RFC 3339, present once paid. */
  success_time?: string;
  payer?: { openid: string };
  amount?: {
    total: number;
    payer_total?: number;
    currency?: string;
    payer_currency?: string;
  };
  scene_info?: { device_id?: string };
  promotion_detail?: V3PromotionDetail[];
}

/**
 * The resource of a `TRANSACTION.SUCCESS` notification: a paid transaction, so the fields WeChat
 * leaves out of unpaid query answers are always there (`event.resource.amount.total` needs no guard).
 */
export interface V3PaidTransaction extends V3Transaction {
  transaction_id: string;
  trade_type: V3TradeType;
  bank_type: string;
  /** RFC 3339, +08:00. */
  success_time: string;
  payer: { openid: string };
  amount: {
    total: number;
    payer_total: number;
    currency: string;
    payer_currency: string;
  };
}

export interface V3RefundAmountParams {
  /** Fen to refund, a positive integer not above `total`. */
  refund: number;
  /** The original order's total, fen. */
  total: number;
  /** Filled in as `CNY` when omitted (WeChat requires it). */
  currency?: 'CNY';
  from?: Array<{ account: 'AVAILABLE' | 'UNAVAILABLE'; amount: number }>;
}

interface V3RefundParamsBase {
  /** 1–64 characters of `[0-9A-Za-z_-|*@]`; the idempotency key of the refund. */
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: 'AVAILABLE' | 'UNSETTLED';
  amount: V3RefundAmountParams;
  goods_detail?: Array<{
    merchant_goods_id: string;
    wechatpay_goods_id?: string;
    goods_name?: string;
    unit_price: number;
    refund_amount: number;
    refund_quantity: number;
  }>;
}

/** Names the original order by exactly one of `transaction_id` / `out_trade_no`. */
export type V3RefundParams =
  | (V3RefundParamsBase & { transaction_id: string; out_trade_no?: never })
  | (V3RefundParamsBase & { out_trade_no: string; transaction_id?: never });

/** A refund as returned by create and query. */
export interface V3Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: V3RefundChannel;
  /** e.g. `招商银行信用卡0403` or `支付用户零钱`. */
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: V3RefundStatus;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    from?: Array<{ account: string; amount: number }>;
    payer_total: number;
    payer_refund: number;
    settlement_refund: number;
    settlement_total: number;
    discount_refund: number;
    currency: string;
    refund_fee?: number;
  };
  promotion_detail?: Array<{
    promotion_id: string;
    scope: 'GLOBAL' | 'SINGLE';
    type: 'COUPON' | 'DISCOUNT';
    amount: number;
    refund_amount: number;
  }>;
}

/** The refund decrypted from a `REFUND.*` notification: note `refund_status`, not `status`. */
export interface V3RefundNotificationResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: V3RefundStatus;
  success_time?: string;
  user_received_account: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

/** WeChat's JSON error body. */
export interface V3ErrorBody {
  code: string;
  message: string;
  detail?: { field?: string; value?: unknown; issue?: string; location?: string };
}

/** Options of one v3 call. */
export interface V3RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** Serialized once; the signature covers exactly those bytes. */
  body?: unknown;
  /**
   * Safe to repeat with the same parameters (reads, and writes keyed by `out_trade_no` /
   * `out_refund_no`): only those are retried after transport errors, 5xx and 202.
   */
  idempotent?: boolean;
  /**
   * Serial of the WeChat Pay key that encrypted sensitive fields of the body; sent as
   * `Wechatpay-Serial` so WeChat knows which private key decrypts them (see `encryptSensitive`).
   */
  wechatpaySerial?: string;
}

/**
 * What the resource classes need from the client: the signed, verified JSON call and the bill
 * download. Kept as an interface so resources never import the client.
 */
export interface V3Transport {
  readonly mchid: string;
  request<T>(method: HttpMethod, path: string, options?: V3RequestOptions): Promise<T>;
  /** Signed GET whose answer is not signed (bill files); returns the raw bytes. */
  download(pathAndQuery: string): Promise<Buffer>;
  /** The same GET with the 2xx body streamed; a failure answer is thrown as for {@link download}. */
  downloadStream(pathAndQuery: string): Promise<AsyncIterable<Uint8Array>>;
}
