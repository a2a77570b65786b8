import type { Order, Refund } from '../domain/index.js';
import type { ApplyRefundOutcome } from './apply-refund-outcome.js';
import type { RefundDeps } from './refund-deps.js';

export type SubmitRefundDeps = Pick<RefundDeps, 'refunds' | 'refundGateway' | 'logger'>;

/**
 * Sends a PENDING refund to WeChat — after the request's commit, and again from the query job
 * while it stays PENDING, always with the same `out_refund_no`, which WeChat deduplicates by.
 * Accepted → PROCESSING (or whatever WeChat says); refused for good → FAILED with WeChat's code and
 * message (the reservation is given back); unknown (SYSTEMERROR, 5xx, timeout) → stays PENDING.
 */
export class SubmitRefund {
  readonly #deps: SubmitRefundDeps;
  readonly #apply: ApplyRefundOutcome;

  constructor(deps: SubmitRefundDeps, apply: ApplyRefundOutcome) {
    this.#deps = deps;
    this.#apply = apply;
  }

  async execute(refund: Refund, order: Order, source: string): Promise<void> {
    const { refunds, refundGateway, logger } = this.#deps;
    const answer = await refundGateway.submit(refund, order);
    switch (answer.kind) {
      case 'accepted':
        await this.#apply.execute({
          refundNo: refund.refundNo,
          to: answer.status,
          changes: {
            wechatRefundId: answer.wechatRefundId,
            succeededAt: answer.succeededAt,
            errorCode: null,
            errorMessage: null,
          },
          reason: `WeChat accepted the refund (${answer.status})`,
          source,
        });
        return;
      case 'refused':
        logger?.warn({ refundNo: refund.refundNo, wechatCode: answer.code }, 'WeChat refused the refund');
        await this.#apply.execute({
          refundNo: refund.refundNo,
          to: 'FAILED',
          changes: { errorCode: answer.code, errorMessage: answer.message },
          reason: `WeChat refused the refund: ${answer.code}`,
          source,
        });
        return;
      case 'unavailable':
        logger?.warn(
          { refundNo: refund.refundNo, wechatCode: answer.code },
          'refund not confirmed by WeChat; the refund-query job resubmits it',
        );
        await refunds.recordError(refund.refundNo, { code: answer.code, message: answer.message });
    }
  }
}
