import { FINAL_REFUND_STATES, type Refund } from '../domain/index.js';
import type { ApplyRefundOutcome } from './apply-refund-outcome.js';
import { type RefundDeps, refundQueryJob } from './refund-deps.js';
import type { SubmitRefund } from './submit-refund.js';

export interface ReconcileRefundInput {
  refundNo: string;
  /** 1 for the first run (scheduled with the refund); picks the delay before the next one. */
  attempt?: number;
}

export type ReconcileRefundOutcome =
  /** WeChat's state was applied (or the PENDING refund was submitted). */
  | 'UPDATED'
  /** Nothing new; the next query is queued. */
  | 'RESCHEDULED'
  /** Final, or ABNORMAL for longer than it is watched: no more queries. */
  | 'SETTLED'
  | 'ANOMALY';

export type ReconcileRefundDeps = Pick<
  RefundDeps,
  'refunds' | 'orders' | 'refundGateway' | 'jobs' | 'clock' | 'logger'
>;

/** Delay before attempt 2, 3, 4…; the last one repeats (refunds to bank cards can take days). */
export const REFUND_QUERY_DELAYS_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const;

/**
 * An ABNORMAL refund is settled by a person in the merchant platform (re-routing the money), and
 * WeChat then notifies SUCCESS or CLOSED. In case that notification is lost, it is queried every
 * `ABNORMAL_QUERY_EVERY_MS` for `ABNORMAL_WATCH_MS` after the refund was made.
 */
export const ABNORMAL_QUERY_EVERY_MS = 6 * 3_600_000;
export const ABNORMAL_WATCH_MS = 14 * 24 * 3_600_000;

/**
 * The `refund-query` job, the fallback for a lost WeChat answer or notification: a PENDING refund
 * is (re)submitted with its same number, a PROCESSING one is queried and its outcome applied. It
 * backs off while the refund stays open; an ABNORMAL refund is surfaced for a person and then only
 * watched, slowly, for the outcome of their work.
 */
export class ReconcileRefund {
  readonly #deps: ReconcileRefundDeps;
  readonly #submit: SubmitRefund;
  readonly #apply: ApplyRefundOutcome;

  constructor(deps: ReconcileRefundDeps, submit: SubmitRefund, apply: ApplyRefundOutcome) {
    this.#deps = deps;
    this.#submit = submit;
    this.#apply = apply;
  }

  async execute(input: ReconcileRefundInput): Promise<{ outcome: ReconcileRefundOutcome; refund?: Refund }> {
    const { refunds, orders, refundGateway, logger } = this.#deps;
    const refund = await refunds.find(input.refundNo);
    if (!refund || FINAL_REFUND_STATES.includes(refund.state) || this.#watchEnded(refund)) {
      return { outcome: 'SETTLED', refund };
    }
    const order = await orders.findByOrderNo(refund.orderNo);
    if (!order) return { outcome: 'SETTLED', refund };
    let outcome: ReconcileRefundOutcome = 'RESCHEDULED';
    try {
      if (refund.state === 'PENDING') {
        await this.#submit.execute(refund, order, 'job:refund-query');
        outcome = 'UPDATED';
      } else {
        const status = await refundGateway.query(refund, order);
        if (!status) {
          logger?.error({ refundNo: refund.refundNo }, 'ANOMALY: WeChat does not know a refund it accepted');
          outcome = 'ANOMALY';
        } else if (status.status !== refund.state) {
          await this.#apply.execute({
            refundNo: refund.refundNo,
            to: status.status,
            changes: { wechatRefundId: status.wechatRefundId, succeededAt: status.succeededAt },
            reason: `found ${status.status} at WeChat by query`,
            source: 'job:refund-query',
          });
          outcome = 'UPDATED';
        }
      }
    } catch (error) {
      logger?.warn(
        { refundNo: refund.refundNo, err: error instanceof Error ? error.message : String(error) },
        'refund query failed; trying again later',
      );
    }
    const now = await refunds.find(refund.refundNo);
    if (now && (now.state === 'PENDING' || now.state === 'PROCESSING'))
      await this.#reschedule(refund, input.attempt);
    else if (now?.state === 'ABNORMAL' && !this.#watchEnded(now)) await this.#watch(now, input.attempt);
    return { outcome, refund: now };
  }

  /** Schedules the next slow query of an ABNORMAL refund (see {@link ABNORMAL_QUERY_EVERY_MS}). */
  async #watch(refund: Refund, attempt = 1): Promise<void> {
    const runAt = new Date(this.#deps.clock.now().getTime() + ABNORMAL_QUERY_EVERY_MS);
    await this.#deps.jobs.enqueue(
      refundQueryJob(refund.refundNo, runAt, Math.max(1, Math.floor(attempt)) + 1),
    );
  }

  #watchEnded(refund: Refund): boolean {
    return (
      refund.state === 'ABNORMAL' &&
      this.#deps.clock.now().getTime() - refund.createdAt.getTime() > ABNORMAL_WATCH_MS
    );
  }

  async #reschedule(refund: Refund, attempt = 1): Promise<void> {
    const next = Math.max(1, Math.floor(attempt)) + 1;
    const delay = REFUND_QUERY_DELAYS_MS[Math.min(next - 1, REFUND_QUERY_DELAYS_MS.length - 1)]!;
    const runAt = new Date(this.#deps.clock.now().getTime() + delay);
    await this.#deps.jobs.enqueue(refundQueryJob(refund.refundNo, runAt, next));
  }
}
