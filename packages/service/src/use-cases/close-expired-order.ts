import {
  type AuditContext,
  DomainError,
  type Order,
  orderTransition,
  type WechatTradeStatus,
  webhookEventJob,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { MarkPaid } from './mark-paid.js';
import { followUpJob, isOpen, orderNoOfJobKey, type PaymentDeps } from './use-case-deps.js';

export interface CloseExpiredOrderInput {
  /** The order number, or the job's key as is (a follow-up job's key names the order too). */
  orderNo: string;
}

export type CloseExpiredOrderOutcome =
  /** Nothing to do: the order is gone, or already paid/closed. */
  | 'SETTLED'
  /** WeChat had been paid: the order is now PAID (a lost or late notification). */
  | 'PAID'
  | 'CLOSED'
  /** Run before `expiresAt` (e.g. by hand): a new close job was queued for the right time. */
  | 'RESCHEDULED'
  /** WeChat's answer contradicts the order (paid amount differs): left open and logged, never closed. */
  | 'ANOMALY';

export interface CloseExpiredOrderOutput {
  outcome: CloseExpiredOrderOutcome;
  order: Order | undefined;
}

export type CloseExpiredOrderDeps = Pick<
  PaymentDeps,
  'orders' | 'gateway' | 'jobs' | 'events' | 'clock' | 'webhooks' | 'logger' | 'audit'
>;

/**
 * The longest a failed close waits before its next attempt (5 s, 10 s, 20 s, then every 30 s):
 * once WeChat answers again, an expired order is closed within about this long, however long
 * WeChat was down — instead of the 10-minute cap of other jobs.
 */
export const CLOSE_RETRY_MAX_MS = 30_000;

/** Who closes, as the history rows say it. */
interface CloseReason {
  source: string;
  closed: string;
  foundPaid: string;
}
const ON_TIMEOUT: CloseReason = {
  source: 'job:close-expired',
  closed: 'expired unpaid; closed at WeChat',
  foundPaid: 'when closing on timeout',
};
const BY_ADMIN: CloseReason = {
  source: 'admin',
  closed: 'closed by the admin; closed at WeChat first',
  foundPaid: 'when the admin closed it',
};

/**
 * The `close-expired` job. WeChat is asked before anything is closed, and closed there before here:
 * once WeChat has closed the order nobody can pay it, so closing it locally afterwards is safe. A
 * payment that slips in between (WeChat answers "already paid") turns into PAID. The local close is
 * conditional on the order still being open, so a notification winning the race is never undone:
 * a paid order is never closed, whatever the interleaving. WeChat errors are thrown, for the job
 * runner to retry later.
 */
export class CloseExpiredOrder {
  readonly #deps: CloseExpiredOrderDeps;
  readonly #markPaid: MarkPaid;

  constructor(deps: CloseExpiredOrderDeps, markPaid: MarkPaid) {
    this.#deps = deps;
    this.#markPaid = markPaid;
  }

  async execute(input: CloseExpiredOrderInput): Promise<CloseExpiredOrderOutput> {
    const { orders, jobs, clock } = this.#deps;
    const order = await orders.findByOrderNo(orderNoOfJobKey(input.orderNo));
    if (!order || !isOpen(order)) return { outcome: 'SETTLED', order };
    if (clock.now() < order.expiresAt) {
      const runAt = order.expiresAt;
      await jobs.enqueue(followUpJob('close-expired', order.orderNo, runAt));
      return { outcome: 'RESCHEDULED', order };
    }
    return this.#close(order, ON_TIMEOUT);
  }

  /**
   * The admin's "close this unpaid order" before its time, by the same steps: WeChat is asked
   * first, and an order WeChat says is paid becomes PAID instead of closed. The outcome is audited.
   */
  async closeNow(input: { orderNo: string }, by?: AuditContext): Promise<CloseExpiredOrderOutput> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `order ${input.orderNo} not found`);
    // A payment code is settled by its own job, which reverses it at WeChat: it is never closed.
    if (order.payType === 'MICROPAY') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `付款码订单由收银流程撤销，不能关闭 (payment-code order ${order.orderNo} is reversed by its cashier job, never closed)`,
      );
    }
    if (!isOpen(order)) {
      throw new DomainError(
        'INVALID_TRANSITION',
        `订单状态为 ${order.state}，只能关闭未支付的订单 (order ${order.orderNo} is ${order.state}; only an unpaid order can be closed)`,
      );
    }
    const result = await this.#close(order, BY_ADMIN);
    await recordAudit(
      this.#deps.audit,
      by,
      { action: 'order.close', target: `order ${order.orderNo}`, detail: `outcome ${result.outcome}` },
      this.#deps.clock.now(),
    );
    return result;
  }

  async #close(order: Order, why: CloseReason): Promise<CloseExpiredOrderOutput> {
    const { orders, gateway, events, clock } = this.#deps;
    const before = await gateway.query(order);
    if (before.paid) return this.#paid(order, before, why);

    if ((await gateway.close(order)) === 'ALREADY_PAID') {
      const after = await gateway.query(order);
      if (after.paid) return this.#paid(order, after, why);
      this.#deps.logger?.error(
        { orderNo: order.orderNo, tradeState: after.tradeState },
        'ANOMALY: WeChat refused to close as paid, then reported the order unpaid',
      );
      return { outcome: 'ANOMALY', order };
    }

    const closedAt = clock.now();
    const closed = await orders.transition({
      orderNo: order.orderNo,
      ...orderTransition('close'),
      changes: { closedAt },
      reason: why.closed,
      source: why.source,
      ...((await this.#deps.webhooks?.wants('order.closed'))
        ? { jobs: [webhookEventJob('order.closed', order.orderNo, closedAt)] }
        : {}),
    });
    if (!closed) return { outcome: 'SETTLED', order: await orders.findByOrderNo(order.orderNo) };
    events.publish({ orderNo: closed.orderNo, state: 'CLOSED', at: closedAt });
    return { outcome: 'CLOSED', order: closed };
  }

  async #paid(order: Order, status: WechatTradeStatus, why: CloseReason): Promise<CloseExpiredOrderOutput> {
    if (status.amountFen !== undefined && status.amountFen !== order.amountFen) {
      this.#deps.logger?.error(
        { orderNo: order.orderNo, expectedFen: order.amountFen, wechatFen: status.amountFen },
        'ANOMALY: WeChat reports a different paid amount; order left open, not closed',
      );
      return { outcome: 'ANOMALY', order };
    }
    const result = await this.#markPaid.execute({
      orderNo: order.orderNo,
      transactionId: status.transactionId ?? null,
      payerOpenid: status.payerOpenid,
      paidAt: status.paidAt ?? this.#deps.clock.now(),
      source: why.source,
      reason: `found paid at WeChat (${status.tradeState}) ${why.foundPaid}`,
    });
    return { outcome: result.applied ? 'PAID' : 'SETTLED', order: result.order };
  }
}
