/**
 * Request and answer shapes of the v2 operations. Field names are WeChat's own (snake_case), so
 * the official documentation reads straight onto them; amounts are integer fen, as numbers.
 */

/** `MICROPAY` is the payment-code (付款码) trade: the merchant scanned the customer's code. */
export type V2TradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB' | 'MICROPAY';

/** `trade_state` of orderquery; `USERPAYING` and `REVOKED` (reversed) occur for MICROPAY orders only. */
export type V2TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

export type V2RefundStatus = 'SUCCESS' | 'REFUNDCLOSE' | 'PROCESSING' | 'CHANGE';

/** What every successful answer carries (failures are thrown as `WechatPayApiError`). */
export interface V2Answer {
  return_code: 'SUCCESS';
  return_msg?: string;
  appid: string;
  mch_id: string;
  nonce_str: string;
  sign: string;
  result_code: 'SUCCESS';
  device_info?: string;
}

interface V2UnifiedOrderCommon {
  body: string;
  out_trade_no: string;
  /** Integer fen. */
  total_fee: number;
  spbill_create_ip: string;
  notify_url: string;
  detail?: string;
  attach?: string;
  fee_type?: string;
  /** `yyyyMMddHHmmss`, UTC+8. */
  time_start?: string;
  /** `yyyyMMddHHmmss`, UTC+8; more than a minute after `time_start`, and fixed by the first call. */
  time_expire?: string;
  goods_tag?: string;
  limit_pay?: 'no_credit';
  /** JSON text, e.g. the H5 scene for MWEB. */
  scene_info?: string;
  device_info?: string;
  receipt?: 'Y';
}

/** unifiedorder parameters; the union makes `product_id` (NATIVE) and `openid` (JSAPI) required. */
export type V2UnifiedOrderParams =
  | (V2UnifiedOrderCommon & { trade_type: 'NATIVE'; product_id: string; openid?: string })
  | (V2UnifiedOrderCommon & { trade_type: 'JSAPI'; openid: string; product_id?: string })
  | (V2UnifiedOrderCommon & { trade_type: 'APP' | 'MWEB'; product_id?: string; openid?: string });

export interface V2UnifiedOrderResult extends V2Answer {
  trade_type: V2TradeType;
  /** Valid for 2 hours. */
  prepay_id: string;
  /** NATIVE only: the QR content, valid for 2 hours. */
  code_url?: string;
  /** MWEB only: valid for 5 minutes. */
  mweb_url?: string;
}

export type V2OrderQueryParams = { transaction_id: string } | { out_trade_no: string };

/**
 * What WeChat reports about a paid trade, in the words of both the payment notification and
 * `orderquery` (which sends these fields only once the order is paid). Amounts are integer fen.
 */
export interface V2PaidTrade {
  transaction_id: string;
  out_trade_no: string;
  openid: string;
  is_subscribe?: 'Y' | 'N';
  trade_type: V2TradeType;
  bank_type?: string;
  total_fee: number;
  settlement_total_fee?: number;
  fee_type?: string;
  cash_fee?: number;
  cash_fee_type?: string;
  coupon_fee?: number;
  coupon_count?: number;
  attach?: string;
  /** `yyyyMMddHHmmss`, UTC+8. */
  time_end: string;
}

export interface V2OrderQueryResult extends V2Answer, Partial<V2PaidTrade> {
  trade_state: V2TradeState;
  trade_state_desc?: string;
  out_trade_no: string;
}

export type V2CloseOrderResult = V2Answer;

export type V2RefundParams = (
  | { transaction_id: string; out_trade_no?: string }
  | { out_trade_no: string }
) & {
  out_refund_no: string;
  /** The order's total, integer fen. */
  total_fee: number;
  /** Integer fen, at most `total_fee` minus what was already refunded. */
  refund_fee: number;
  refund_fee_type?: string;
  refund_desc?: string;
  refund_account?: 'REFUND_SOURCE_UNSETTLED_FUNDS' | 'REFUND_SOURCE_RECHARGE_FUNDS';
  notify_url?: string;
};

export interface V2RefundResult extends V2Answer {
  transaction_id: string;
  out_trade_no: string;
  out_refund_no: string;
  refund_id: string;
  refund_fee: number;
  settlement_refund_fee?: number;
  total_fee: number;
  settlement_total_fee?: number;
  fee_type?: string;
  cash_fee: number;
  cash_fee_type?: string;
  cash_refund_fee?: number;
  coupon_refund_fee?: number;
  coupon_refund_count?: number;
}

export type V2RefundQueryParams = (
  | { transaction_id: string }
  | { out_trade_no: string }
  | { out_refund_no: string }
  | { refund_id: string }
) & {
  /** Start index when an order has more than 10 refunds. */
  offset?: number;
};

/** One refund of a refundquery answer, gathered from its `_$n` fields. */
export interface V2RefundQueryItem {
  out_refund_no: string;
  refund_id: string;
  refund_channel?: string;
  refund_fee: number;
  settlement_refund_fee?: number;
  coupon_refund_fee?: number;
  coupon_refund_count?: number;
  refund_status: V2RefundStatus;
  refund_account?: string;
  refund_recv_accout?: string;
  /** `2016-07-25 15:26:26`, UTC+8. */
  refund_success_time?: string;
}

export interface V2RefundQueryResult extends V2Answer {
  transaction_id: string;
  out_trade_no: string;
  total_fee: number;
  settlement_total_fee?: number;
  fee_type?: string;
  cash_fee: number;
  refund_count: number;
  total_refund_count?: number;
  refunds: V2RefundQueryItem[];
}

export type V2BillType = 'ALL' | 'SUCCESS' | 'REFUND' | 'RECHARGE_REFUND';

export interface V2DownloadBillParams {
  /** `yyyyMMdd`. */
  bill_date: string;
  /** Default `ALL`. */
  bill_type?: V2BillType;
  tar_type?: 'GZIP';
}

export interface V2ShortUrlResult extends V2Answer {
  short_url: string;
}

/**
 * micropay (付款码支付) parameters. No `notify_url`: WeChat sends no notification for a payment
 * code, the answer (or a later orderquery) is the result.
 */
export interface V2MicropayParams {
  body: string;
  out_trade_no: string;
  /** Integer fen. */
  total_fee: number;
  spbill_create_ip: string;
  /** The 18-digit code scanned from the customer's phone; checked, never echoed whole in errors. */
  auth_code: string;
  device_info?: string;
  detail?: string;
  attach?: string;
  fee_type?: string;
  goods_tag?: string;
  limit_pay?: 'no_credit';
  /** `yyyyMMddHHmmss`, UTC+8. */
  time_start?: string;
  /** `yyyyMMddHHmmss`, UTC+8. */
  time_expire?: string;
  /** JSON text, e.g. `{"store_info":{"id":"SZTX001","name":"…"}}`. */
  scene_info?: string;
  receipt?: 'Y';
}

/** A payment code that paid at once. `USERPAYING`, `SYSTEMERROR`, `BANKERROR`… are thrown as `WechatPayApiError`. */
export interface V2MicropayResult extends V2Answer, V2PaidTrade {
  trade_type: 'MICROPAY';
}

export type V2ReverseParams = { transaction_id: string } | { out_trade_no: string };

export interface V2ReverseResult extends V2Answer {
  /** `Y`: WeChat could not finish the reversal yet; call reverse again. */
  recall: 'Y' | 'N';
}
