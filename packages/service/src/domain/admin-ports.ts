import type { Fen } from './money.js';

/**
 * What the admin console needs from the outside world beyond the payment ports: totals per time
 * bucket (computed by the database, not by loading orders) and a way to ask for a notification again.
 */

export interface BucketQuery {
  /** Bucket length: an hour or a day. */
  bucketMs: number;
  /**
   * Added to epoch ms before bucketing, so a day starts at local midnight (China time: +8 h, no
   * daylight saving); 0 for UTC-aligned buckets.
   */
  offsetMs: number;
  /** Inclusive, a bucket start. */
  from: Date;
  /** Exclusive, a bucket start. */
  to: Date;
}

/** One bucket's totals; buckets without orders are absent (the use case fills them). */
export interface BucketTotals {
  /** Epoch ms of the bucket's start. */
  start: number;
  /** Sum of the amounts of the orders paid in the bucket (gross: refunds not deducted). */
  paidAmountFen: Fen;
  paidOrders: number;
  createdOrders: number;
  /** Refunds that succeeded in the bucket, and their sum. */
  refunds: number;
  refundedAmountFen: Fen;
  /** WeChat's fees on the bill lines of the bucket (0 until the day is reconciled). */
  feeFen: Fen;
}

export interface OrderStatistics {
  totalsPerBucket(query: BucketQuery): Promise<BucketTotals[]>;
}

/** The latest payment notification of an order sent again by whoever sends them. */
export interface ResendReport {
  notificationId: string;
  /** The sender's view after the attempt: `delivered`, `pending` or `failed`. */
  status: string;
  /** The HTTP status our notify endpoint answered with, when it was reached. */
  httpStatus?: number;
  acked: boolean;
  error?: string;
}

/**
 * "Please send that notification again". WeChat Pay offers no such API — it resends on its own
 * schedule — so only the simulator implements this port; without it the admin is told to query.
 */
export interface NotificationResender {
  /** `undefined` when the sender knows no payment notification for the order. */
  resendLatestPayment(orderNo: string): Promise<ResendReport | undefined>;
}
