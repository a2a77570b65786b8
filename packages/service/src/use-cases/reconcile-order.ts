import { DomainError, type Order, type WechatTradeStatus } from '../domain/index.js';
import type { MarkPaid } from './mark-paid.js';
import { followUpJob, isOpen, orderNoOfJobKey, type PaymentDeps } from './use-case-deps.js';

export interface ReconcileOrderInput {
  /** The order number, or the job's key as is (a follow-up job's key names the order too). */
  orderNo: string;
  /** 1 for the first reconcile of an order; picks the delay before the next one. */
  attempt?: number;
}

export type ReconcileOrderOutcome =
  /** Found paid at WeChat: the lost notification is recovered. */
  | 'PAID'
  /** Still unpaid; the next reconcile is queued. */
  | 'RESCHEDULED'
  /** Still unpaid, and the next check would come after expiry: the close job takes over. */
  | 'LEFT_TO_CLOSE'
  /** Nothing to do (gone, paid and delivered, closed, expired). */
  | 'SETTLED'
  /** A manual query found nothing to change. */
  | 'UNCHANGED'
  | 'ANOMALY';

export interface ReconcileOrderOutput {
  outcome: ReconcileOrderOutcome;
  order: Order | undefined;
}

/** A manual query: also what WeChat answered. */
export interface QueryNowOutput extends ReconcileOrderOutput {
  order: Order;
  /** WeChat's trade_state (or NOT_FOUND). */
  tradeState: string;
}

export type ReconcileOrderDeps = Pick<PaymentDeps, 'orders' | 'gateway' | 'jobs' | 'clock' | 'logger'>;

/** Delay before attempt 1 (set by CreateOrder), 2, 3, 4…; the last one repeats. */
export const RECONCILE_DELAYS_MS = [60_000, 120_000, 300_000, 600_000] as const;

/**
 * The `reconcile` job, the query fallback: while an order is open, ask WeChat whether it was paid,
 * so a notification that never arrived cannot leave a paid order unpaid. It backs off (1, 2, 5,
 * 10 min…) until the order expires, where {@link CloseExpiredOrder} does the last check.
 */
export class ReconcileOrder {
  readonly #deps: ReconcileOrderDeps;
  readonly #markPaid: MarkPaid;

  constructor(deps: ReconcileOrderDeps, markPaid: MarkPaid) {
    this.#deps = deps;
    this.#markPaid = markPaid;
  }

  async execute(input: ReconcileOrderInput): Promise<ReconcileOrderOutput> {
    const { orders, gateway, jobs, clock } = this.#deps;
    const order = await orders.findByOrderNo(orderNoOfJobKey(input.orderNo));
    if (!order) return { outcome: 'SETTLED', order };
    const now = clock.now();
    if (!isOpen(order) || now >= order.expiresAt) {
      return { outcome: 'SETTLED', order };
    }

    const status = await gateway.query(order);
    if (status.paid) return this.#recoverPayment(order, status, 'job:reconcile');

    const attempt = Math.max(1, Math.floor(input.attempt ?? 1));
    const delay = RECONCILE_DELAYS_MS[Math.min(attempt, RECONCILE_DELAYS_MS.length - 1)]!;
    const runAt = new Date(now.getTime() + delay);
    if (runAt >= order.expiresAt) return { outcome: 'LEFT_TO_CLOSE', order };
    await jobs.enqueue(followUpJob('reconcile', order.orderNo, runAt, { attempt: attempt + 1 }));
    return { outcome: 'RESCHEDULED', order };
  }

  /**
   * "Query WeChat now" from the admin console: the same query and the same recovery as the job, at
   * once — also for an open order past its expiry — and without queuing a follow-up, since the
   * job's own schedule goes on regardless. Reports WeChat's answer even when nothing changes here.
   */
  async queryNow(input: { orderNo: string; source: string }): Promise<QueryNowOutput> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    const status = await this.#deps.gateway.query(order);
    const { tradeState } = status;
    if (!isOpen(order) || !status.paid) return { outcome: 'UNCHANGED', order, tradeState };
    const result = await this.#recoverPayment(order, status, input.source);
    return { ...result, order: result.order ?? order, tradeState };
  }

  /**
   * Daily reconciliation found the payment in WeChat's bill (a signed or digest-checked statement
   * of WeChat's), though neither the notification nor a query brought it: the same recovery as a
   * query's, from the bill line, so marking paid keeps its one path.
   */
  async applyBillPayment(input: {
    orderNo: string;
    transactionId: string;
    amountFen: number;
    paidAt: Date;
  }): Promise<ReconcileOrderOutput> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order || !isOpen(order)) return { outcome: 'UNCHANGED', order };
    const status: WechatTradeStatus = {
      tradeState: 'SUCCESS',
      paid: true,
      transactionId: input.transactionId,
      amountFen: input.amountFen,
      paidAt: input.paidAt,
    };
    return this.#recoverPayment(order, status, 'reconciliation', "found paid in WeChat's daily bill");
  }

  /** WeChat says paid: the order becomes PAID, unless the amounts disagree. */
  async #recoverPayment(
    order: Order,
    status: WechatTradeStatus,
    source: string,
    reason = `found paid at WeChat (${status.tradeState}) by query`,
  ): Promise<ReconcileOrderOutput> {
    if (status.amountFen !== undefined && status.amountFen !== order.amountFen) {
      this.#deps.logger?.error(
        { orderNo: order.orderNo, expectedFen: order.amountFen, wechatFen: status.amountFen },
        'ANOMALY: WeChat reports a different paid amount; order left unchanged',
      );
      return { outcome: 'ANOMALY', order };
    }
    this.#deps.logger?.info({ orderNo: order.orderNo, source }, `payment ${reason} (notification missing)`);
    const result = await this.#markPaid.execute({
      orderNo: order.orderNo,
      transactionId: status.transactionId ?? null,
      payerOpenid: status.payerOpenid,
      paidAt: status.paidAt ?? this.#deps.clock.now(),
      source,
      reason,
    });
    return { outcome: result.applied ? 'PAID' : 'SETTLED', order: result.order };
  }
}
