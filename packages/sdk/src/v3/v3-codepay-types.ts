/**
 * Payment-code (付款码) shapes of API v3 (`/v3/pay/transactions/codepay`, 2024), in WeChat's own
 * snake_case. The answer is a `V3Transaction`; query and refund work as for every other order.
 */

import type { V3GoodsDetail, V3OrderAmount } from './v3-types.js';

/** The store the cashier stands in; `out_id` is the merchant's own store number. */
export interface V3CodepayStoreInfo {
  out_id: string;
  id?: string;
  name?: string;
  area_code?: string;
  address?: string;
}

export interface V3CodepayParams {
  appid: string;
  /** Shown to the payer, ≤ 127 characters. */
  description: string;
  /** 6–32 characters of `[0-9A-Za-z_-|*]`; what query and reverse name the order by. */
  out_trade_no: string;
  attach?: string;
  goods_tag?: string;
  support_fapiao?: boolean;
  /** The 18-digit code scanned from the customer's phone; checked, never echoed whole in errors. */
  payer: { auth_code: string };
  amount: V3OrderAmount;
  scene_info: {
    device_id?: string;
    device_ip?: string;
    store_info: V3CodepayStoreInfo;
  };
  detail?: { cost_price?: number; invoice_id?: string; goods_detail?: V3GoodsDetail[] };
  settle_info?: { profit_sharing?: boolean };
}

export interface V3ReverseParams {
  /** The appid the order was paid under. */
  appid: string;
}
