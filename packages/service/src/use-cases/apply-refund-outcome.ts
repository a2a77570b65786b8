import {
  type Refund,
  type RefundState,
  type RefundTransitionRequest,
  type RefundTransitionResult,
  refundStatesLeadingTo,
  type WebhookEventType,
  webhookEventJob,
} from '../domain/index.js';
import type { RefundDeps } from './refund-deps.js';

export interface RefundOutcome {
  refundNo: string;
  to: RefundState;
  changes?: RefundTransitionRequest['changes'];
  reason: string;
  /** `api`, `notify-v2`, `notify-v3`, `job:refund-query`. */
  source: string;
}

export type ApplyRefundOutcomeDeps = Pick<RefundDeps, 'refunds' | 'events' | 'clock' | 'webhooks' | 'logger'>;

/** The webhook a refund's final state makes; PROCESSING and the like make none. */
const REFUND_EVENT: Partial<Record<RefundState, WebhookEventType>> = {
  SUCCESS: 'refund.succeeded',
  ABNORMAL: 'refund.failed',
  CLOSED: 'refund.failed',
  FAILED: 'refund.failed',
};

/** Shown with an ABNORMAL refund: what happened and what a person has to do. */
export const ABNORMAL_MESSAGE =
  'WeChat could not pay the refund out (e.g. the buyer’s card or account was closed): ' +
  're-route it to another account in the merchant platform, or close it';

/**
 * The one place a refund changes state — whether WeChat's answer, a notification or the query job
 * found out. The conditional transition lets one caller win; only the winner publishes the order's
 * new state. An ABNORMAL refund is surfaced: error text on the refund, an order history row (the
 * repository writes it), and an error log.
 */
export class ApplyRefundOutcome {
  readonly #deps: ApplyRefundOutcomeDeps;

  constructor(deps: ApplyRefundOutcomeDeps) {
    this.#deps = deps;
  }

  async execute(outcome: RefundOutcome): Promise<RefundTransitionResult | undefined> {
    const { refunds, events, clock, logger } = this.#deps;
    const abnormal = outcome.to === 'ABNORMAL';
    const event = REFUND_EVENT[outcome.to];
    const result = await refunds.transition({
      refundNo: outcome.refundNo,
      from: refundStatesLeadingTo(outcome.to),
      to: outcome.to,
      changes: abnormal
        ? { errorCode: 'ABNORMAL', errorMessage: ABNORMAL_MESSAGE, ...outcome.changes }
        : outcome.changes,
      reason: outcome.reason,
      source: outcome.source,
      ...(event && (await this.#deps.webhooks?.wants(event))
        ? { jobs: [webhookEventJob(event, outcome.refundNo, clock.now())] }
        : {}),
    });
    if (!result) return undefined;
    if (result.orderChanged) {
      events.publish({ orderNo: result.order.orderNo, state: result.order.state, at: clock.now() });
    }
    if (abnormal) {
      logger?.error(
        { refundNo: outcome.refundNo, orderNo: result.order.orderNo, amountFen: result.refund.amountFen },
        'REFUND ABNORMAL: WeChat could not pay the refund out; a person must re-route or close it',
      );
    }
    return result;
  }
}

/** The refund as a caller should see it after an outcome that may have lost a race. */
export async function currentRefund(deps: Pick<RefundDeps, 'refunds'>, refund: Refund): Promise<Refund> {
  return (await deps.refunds.find(refund.refundNo)) ?? refund;
}
