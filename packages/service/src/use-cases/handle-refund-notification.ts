import {
  type ApiVersion,
  DomainError,
  type Refund,
  type VerifiedRefundNotification,
} from '../domain/index.js';
import type { ApplyRefundOutcome } from './apply-refund-outcome.js';
import { keptHeaders, type NotificationOutcome } from './handle-payment-notification.js';
import type { RefundDeps } from './refund-deps.js';

export interface HandleRefundNotificationInput {
  apiVersion: ApiVersion;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received. */
  rawBody: Buffer | string;
}

export interface HandleRefundNotificationOutput {
  ack: boolean;
  message: string;
  outcome: NotificationOutcome;
  refundNo: string | null;
}

export type HandleRefundNotificationDeps = Pick<
  RefundDeps,
  'refunds' | 'refundGateway' | 'notifications' | 'clock' | 'logger'
>;

/**
 * A refund notification (v2 `req_info` AES-256-ECB, v3 REFUND.SUCCESS / ABNORMAL / CLOSED, GCM):
 * verified before anything is trusted, logged with its raw body whatever happens, checked against
 * the refund (merchant, order, amount), and applied once — a replay is ACKed and changes nothing.
 */
export class HandleRefundNotification {
  readonly #deps: HandleRefundNotificationDeps;
  readonly #apply: ApplyRefundOutcome;

  constructor(deps: HandleRefundNotificationDeps, apply: ApplyRefundOutcome) {
    this.#deps = deps;
    this.#apply = apply;
  }

  async execute(input: HandleRefundNotificationInput): Promise<HandleRefundNotificationOutput> {
    const { refunds, refundGateway, notifications, clock, logger } = this.#deps;
    const rawBody = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
    const done = async (
      outcome: NotificationOutcome,
      detail: string,
      notice: VerifiedRefundNotification | undefined,
      refund?: Refund,
    ): Promise<HandleRefundNotificationOutput> => {
      await notifications.record({
        apiVersion: input.apiVersion,
        kind: 'refund',
        orderNo: refund?.orderNo ?? null,
        rawBody: rawBody.toString('utf8'),
        headers: keptHeaders(input.headers),
        verified: notice !== undefined,
        outcome: outcome === detail ? outcome : `${outcome}: ${detail}`,
        receivedAt: clock.now(),
      });
      const ack = outcome !== 'rejected';
      return { ack, message: ack ? 'OK' : detail, outcome, refundNo: refund?.refundNo ?? null };
    };

    let notice: VerifiedRefundNotification;
    try {
      notice = await refundGateway.verifyNotification(input.apiVersion, input.headers, rawBody);
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : 'notification could not be verified';
      logger?.warn({ apiVersion: input.apiVersion, reason }, 'refund notification rejected');
      return done('rejected', reason, undefined);
    }
    if (notice.mchid !== refundGateway.mchid) {
      return done('rejected', 'mchid does not match this merchant', notice);
    }
    const refund = await refunds.find(notice.refundNo);
    if (!refund) return done('rejected', 'unknown out_refund_no', notice);
    if (refund.orderNo !== notice.orderNo || refund.amountFen !== notice.amountFen) {
      logger?.error(
        { refundNo: refund.refundNo, expectedFen: refund.amountFen, notifiedFen: notice.amountFen },
        'ANOMALY: verified refund notification does not match the refund; left unchanged',
      );
      return done('rejected', 'out_trade_no or refund amount does not match the refund', notice, refund);
    }
    if (refund.state === notice.status) return done('duplicate', 'duplicate', notice, refund);

    const applied = await this.#apply.execute({
      refundNo: refund.refundNo,
      to: notice.status,
      changes: { wechatRefundId: notice.wechatRefundId, succeededAt: notice.succeededAt },
      reason: `refund notification: ${notice.status}`,
      source: `notify-${input.apiVersion}`,
    });
    if (applied) return done('applied', 'applied', notice, applied.refund);
    const now = (await refunds.find(refund.refundNo)) ?? refund;
    if (now.state === notice.status) return done('duplicate', 'duplicate', notice, now);
    logger?.error(
      { refundNo: refund.refundNo, state: now.state, notified: notice.status },
      'ANOMALY: refund notification contradicts a settled refund; left unchanged',
    );
    return done('anomaly', `refund is ${now.state}, WeChat says ${notice.status}`, notice, now);
  }
}
