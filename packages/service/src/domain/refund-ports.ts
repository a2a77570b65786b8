import type { Fen } from './money.js';
import type { ApiVersion, Order, OrderState } from './order.js';
import type { NewJob } from './ports.js';
import type { Refund, RefundHistoryEntry, RefundState } from './refund.js';

/** The ports of the refund use cases; implemented by the persistence and WeChat adapters. */

export interface NewRefund {
  refundNo: string;
  orderNo: string;
  amountFen: Fen;
  reason: string;
  apiVersion: ApiVersion;
}

/** What a reservation came to; only `created` changed anything. */
export type RefundReservation =
  | { kind: 'created'; refund: Refund; order: Order; orderChanged: boolean }
  /** A refund with this number exists already (a retried request, or a race with one). */
  | { kind: 'existing'; refund: Refund }
  | { kind: 'order-not-found' }
  | { kind: 'not-refundable'; state: OrderState }
  | { kind: 'exceeds'; refundableFen: Fen };

export interface RefundTransitionRequest {
  refundNo: string;
  /**
   * Applied only while the refund is in one of these (conditional UPDATE): `refundStatesLeadingTo(to)`,
   * or some of them; a state the refund table does not lead to `to` from is refused.
   */
  from: readonly RefundState[];
  to: RefundState;
  changes?: Partial<Pick<Refund, 'wechatRefundId' | 'errorCode' | 'errorMessage' | 'succeededAt'>>;
  reason: string;
  source: string;
  /** Jobs written in the same transaction, only if this transition wins (the refund's webhook event). */
  jobs?: readonly NewJob[];
}

export interface RefundTransitionResult {
  refund: Refund;
  /** The order after its state followed its refunds. */
  order: Order;
  /** The order's state changed with this transition (publish it). */
  orderChanged: boolean;
}

export interface RefundFilter {
  state?: RefundState;
  limit?: number;
}

export interface RefundRepository {
  /**
   * In one transaction: reserves the amount on the order with one conditional UPDATE (order
   * refundable, reserved + amount ≤ paid), inserts the refund and its history, moves the order to
   * REFUNDING (conditional, with history) and writes the jobs. Nothing is written unless all is.
   */
  reserve(refund: NewRefund, jobs: NewJob[]): Promise<RefundReservation>;
  find(refundNo: string): Promise<Refund | undefined>;
  /**
   * The conditional refund transition plus its history row, the order's money (SUCCESS counts as
   * refunded; FAILED / CLOSED give the reservation back) and the order's state, all in one
   * transaction. `undefined` when the refund was not in `from` (another writer won).
   */
  transition(request: RefundTransitionRequest): Promise<RefundTransitionResult | undefined>;
  /** Keeps WeChat's last transient failure on a refund whose state does not change. */
  recordError(refundNo: string, error: { code: string; message: string }): Promise<void>;
  forOrder(orderNo: string): Promise<Refund[]>;
  /** Newest first. */
  list(filter?: RefundFilter): Promise<Refund[]>;
  history(refundNo: string): Promise<RefundHistoryEntry[]>;
}

/** WeChat's view of a refund (create answer, query, or notification). */
export interface WechatRefundStatus {
  status: Exclude<RefundState, 'PENDING' | 'FAILED'>;
  wechatRefundId: string;
  amountFen?: Fen;
  succeededAt?: Date;
}

export type RefundSubmission =
  | ({ kind: 'accepted' } & WechatRefundStatus)
  /** WeChat refused for good (not enough balance, order not paid…): the refund FAILED. */
  | { kind: 'refused'; code: string; message: string }
  /** Nobody knows (SYSTEMERROR, 5xx, timeout): resubmit later with the same number. */
  | { kind: 'unavailable'; code: string; message: string };

/** A refund notification that passed verification (v3 signature, v2 decryption). */
export interface VerifiedRefundNotification extends WechatRefundStatus {
  apiVersion: ApiVersion;
  mchid: string;
  refundNo: string;
  orderNo: string;
  amountFen: Fen;
  /**
   * The content is only a hint and the outcome applied is WeChat's answer when asked: v2's refund
   * notification carries no signature, and AES-ECB does not detect altered or re-ordered blocks.
   */
  confirmByQuery: boolean;
}

export interface RefundGateway {
  readonly mchid: string;
  /** Creates the refund at WeChat; resending the same refund number never refunds twice. */
  submit(refund: Refund, order: Order): Promise<RefundSubmission>;
  /** Asks WeChat; `undefined` when WeChat has no refund with this number. Throws when unreachable. */
  query(refund: Refund, order: Order): Promise<WechatRefundStatus | undefined>;
}
