import type { Fen } from './money.js';
import type { ApiVersion } from './order.js';

/**
 * Where a refund stands. PENDING: recorded and its money reserved, but WeChat may not have it yet
 * (the call is made after commit, and retried by the `refund-query` job with the same number).
 * PROCESSING: WeChat accepted it. SUCCESS: the money went back. FAILED: WeChat refused it for good.
 * ABNORMAL: WeChat could not pay it out (the buyer's card was cancelled…) — a person must act.
 * CLOSED: WeChat closed it without paying.
 */
export const REFUND_STATES = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'ABNORMAL', 'CLOSED'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

/** One refund of an order; `refundNo` is the `out_refund_no` WeChat deduplicates by. */
export interface Refund {
  refundNo: string;
  orderNo: string;
  amountFen: Fen;
  reason: string;
  state: RefundState;
  /** The API version of the order it refunds. */
  apiVersion: ApiVersion;
  wechatRefundId: string | null;
  /** WeChat's last refusal or failure (`NOTENOUGH`, `SYSTEMERROR`…), shown to the admin. */
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  succeededAt: Date | null;
}

export interface RefundHistoryEntry {
  refundNo: string;
  fromState: RefundState | null;
  toState: RefundState;
  reason: string;
  /** `api`, `wechat`, `notify-v2`, `notify-v3`, `job:refund-query`. */
  source: string;
  at: Date;
}
