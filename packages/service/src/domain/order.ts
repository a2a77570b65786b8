import type { Fen } from './money.js';

/**
 * Every enum of an order, each one list: the types, the transition table's keys and the HTTP
 * schemas are all built from these, so a new value is added in exactly one place.
 */
export const ORDER_STATES = [
  'NOTPAY',
  /** Payment code (MICROPAY) only: the customer is entering the password on the phone. */
  'USERPAYING',
  'PAID',
  'CLOSED',
  'PAYERROR',
  'REFUNDING',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  /** Payment code only: reversed at WeChat (撤销) — refunded to the customer if charged, else closed. */
  'REVERSED',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** `MICROPAY`: the cashier scans the customer's payment code (付款码) in the shop. */
export const PAY_TYPES = ['NATIVE', 'JSAPI', 'MINIPROGRAM', 'H5', 'APP', 'MICROPAY'] as const;
export type PayType = (typeof PAY_TYPES)[number];

export const API_VERSIONS = ['v2', 'v3'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Product {
  id: string;
  name: string;
  description: string;
  priceFen: Fen;
  /** Units left; `null` = unlimited. */
  stock: number | null;
  active: boolean;
}

/** The merchant's order; `orderNo` is the `out_trade_no` sent to WeChat. */
export interface Order {
  orderNo: string;
  productId: string;
  quantity: number;
  description: string;
  /** The product's price × quantity at creation, or the amount a merchant API key asked for; never a shopper's. */
  amountFen: Fen;
  state: OrderState;
  payType: PayType;
  apiVersion: ApiVersion;
  /** The payer the order was made for (JSAPI, mini-program, mode 1); null for Native, H5 and APP. */
  openid: string | null;
  /** Who paid, as WeChat reported it with the payment; null until then. */
  payerOpenid: string | null;
  clientIp: string;
  codeUrl: string | null;
  prepayId: string | null;
  h5Url: string | null;
  transactionId: string | null;
  /** The last WeChat error while creating the prepay, shown to the buyer and the admin. */
  wechatErrorCode: string | null;
  wechatErrorMessage: string | null;
  createdAt: Date;
  expiresAt: Date;
  paidAt: Date | null;
  closedAt: Date | null;
  fulfilledAt: Date | null;
  refundedFen: Fen;
  /** The merchant system's own reference for the order (merchant API only). */
  merchantReference?: string;
  /** The name of the merchant API key that created the order; absent for shoppers' orders. */
  apiClient?: string;
}

/** One row of an order's history: every transition, with why and from where. */
export interface OrderHistoryEntry {
  orderNo: string;
  fromState: OrderState | null;
  toState: OrderState;
  reason: string;
  /** `api`, `notify-v2`, `notify-v3`, `job:close-expired`, `job:reconcile`, `admin`… */
  source: string;
  at: Date;
}
