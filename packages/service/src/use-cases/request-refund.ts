import { type AuditContext, DomainError, formatYuan, type Refund } from '../domain/index.js';
import { currentRefund } from './apply-refund-outcome.js';
import { recordAudit } from './audit-trail.js';
import { newOrderNo } from './order-number.js';
import { type RefundDeps, refundQueryJob } from './refund-deps.js';
import type { SubmitRefund } from './submit-refund.js';

export interface RequestRefundInput {
  orderNo: string;
  amountFen: number;
  reason?: string;
  /** The caller's idempotency key, sent to WeChat as `out_refund_no`; generated when absent. */
  refundNo?: string;
}

export interface RequestRefundOutput {
  refund: Refund;
  /** `false` when the refund number was known: the same request again, answered without a new refund. */
  created: boolean;
}

export type RequestRefundDeps = Pick<RefundDeps, 'refunds' | 'orders' | 'events' | 'clock' | 'audit'>;

/** The first `refund-query` runs this long after the WeChat call, as a fallback for a lost notification. */
export const FIRST_REFUND_QUERY_MS = 60_000;

/**
 * An admin refunds all or part of a paid order. The money is reserved first, in one transaction
 * with the refund row, its history, the order's move to REFUNDING and the fallback job — so however
 * many requests race, on however many instances, the reservations never exceed what was paid. Only
 * after commit is WeChat called; if that call is lost, the job resubmits with the same number. The
 * admin's refund is in the audit log before WeChat is asked (a retried request adds nothing).
 */
export class RequestRefund {
  readonly #deps: RequestRefundDeps;
  readonly #submit: SubmitRefund;

  constructor(deps: RequestRefundDeps, submit: SubmitRefund) {
    this.#deps = deps;
    this.#submit = submit;
  }

  async execute(input: RequestRefundInput, by?: AuditContext): Promise<RequestRefundOutput> {
    const { refunds, orders, events, clock, audit } = this.#deps;
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
      throw new DomainError('INVALID_AMOUNT', 'a refund amount must be a positive integer number of fen');
    }
    const order = await orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `order ${input.orderNo} does not exist`);
    const now = clock.now();
    const refundNo = input.refundNo ?? `R${newOrderNo(now)}`;
    const reservation = await refunds.reserve(
      {
        refundNo,
        orderNo: order.orderNo,
        amountFen: input.amountFen,
        reason: input.reason ?? '',
        apiVersion: order.apiVersion,
      },
      [refundQueryJob(refundNo, new Date(now.getTime() + FIRST_REFUND_QUERY_MS), 1)],
    );
    switch (reservation.kind) {
      case 'existing':
        return { refund: sameRequest(reservation.refund, input), created: false };
      case 'order-not-found':
        throw new DomainError('ORDER_NOT_FOUND', `order ${input.orderNo} does not exist`);
      case 'not-refundable':
        throw new DomainError(
          'ORDER_NOT_REFUNDABLE',
          `order ${order.orderNo} is ${reservation.state}: only paid orders can be refunded`,
          { state: reservation.state },
        );
      case 'exceeds':
        throw new DomainError(
          'REFUND_EXCEEDS_PAID',
          `${formatYuan(input.amountFen)} is more than the ${formatYuan(reservation.refundableFen)} left to refund`,
          { refundableFen: reservation.refundableFen },
        );
      case 'created':
        if (reservation.orderChanged) {
          events.publish({ orderNo: order.orderNo, state: reservation.order.state, at: clock.now() });
        }
        await recordAudit(
          audit,
          by,
          {
            action: 'refund',
            target: `order ${order.orderNo}`,
            detail: `refund ${refundNo}: ${formatYuan(input.amountFen)} (${input.amountFen} fen)${input.reason ? `; reason: ${input.reason}` : ''}`,
          },
          now,
        );
        await this.#submit.execute(reservation.refund, reservation.order, 'api');
        return { refund: await currentRefund(this.#deps, reservation.refund), created: true };
    }
  }
}

/** A known refund number is a retry only when it names the same order and amount. */
function sameRequest(refund: Refund, input: RequestRefundInput): Refund {
  if (refund.orderNo !== input.orderNo || refund.amountFen !== input.amountFen) {
    throw new DomainError(
      'REFUND_CONFLICT',
      `refund ${refund.refundNo} already exists with another order or amount`,
      { refundNo: refund.refundNo },
    );
  }
  return refund;
}
