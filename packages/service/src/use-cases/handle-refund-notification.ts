import {
  type ApiVersion,
  DomainError,
  type NotificationVerdict,
  type Refund,
  type VerifiedRefundNotification,
  type WechatRefundStatus,
} from '../domain/index.js';
import type { ApplyRefundOutcome } from './apply-refund-outcome.js';
import { keptHeaders, type NotificationOutcome } from './handle-payment-notification.js';
import { notificationVerdict } from './notification-verdict.js';
import type { RefundDeps } from './refund-deps.js';

export interface HandleRefundNotificationInput {
  apiVersion: ApiVersion;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received. */
  rawBody: Buffer | string;
  /** `false`: its source is over its limit, so it is not stored if it fails verification. */
  storeUnverified?: boolean;
}

/** `retry`: it could not be confirmed now (WeChat unreachable); answered with a failure so WeChat resends. */
export type RefundNotificationOutcome = NotificationOutcome | 'retry';

export interface HandleRefundNotificationOutput {
  ack: boolean;
  /** What WeChat is answered, in the port's terms. */
  verdict: NotificationVerdict;
  message: string;
  outcome: RefundNotificationOutcome;
  refundNo: string | null;
  /** Whether it could be verified (decrypted and, for v3, its signature checked). */
  verified: boolean;
}

export type HandleRefundNotificationDeps = Pick<
  RefundDeps,
  'refunds' | 'orders' | 'refundGateway' | 'inbound' | 'notifications' | 'clock' | 'logger'
>;

/**
 * A refund notification (v2 `req_info` AES-256-ECB, v3 REFUND.SUCCESS / ABNORMAL / CLOSED, GCM):
 * verified before anything is trusted, logged with its raw body whatever happens, checked against
 * the refund (merchant, order, amount), and applied once — a replay is ACKed and changes nothing.
 *
 * A notification that is only a hint (v2's: no signature, AES-ECB) is confirmed by asking WeChat,
 * and the outcome applied is WeChat's answer.
 */
export class HandleRefundNotification {
  readonly #deps: HandleRefundNotificationDeps;
  readonly #apply: ApplyRefundOutcome;

  constructor(deps: HandleRefundNotificationDeps, apply: ApplyRefundOutcome) {
    this.#deps = deps;
    this.#apply = apply;
  }

  async execute(input: HandleRefundNotificationInput): Promise<HandleRefundNotificationOutput> {
    const { inbound, notifications, clock, logger } = this.#deps;
    const rawBody = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
    let notice: VerifiedRefundNotification | undefined;
    let verdict: Verdict;
    try {
      notice = await inbound[input.apiVersion].verifyRefund(input.headers, rawBody);
      verdict = await this.#handle(input.apiVersion, notice);
    } catch (error) {
      if (notice) throw error;
      const reason = error instanceof DomainError ? error.message : 'notification could not be verified';
      logger?.warn({ apiVersion: input.apiVersion, reason }, 'refund notification rejected');
      verdict = { outcome: 'rejected', detail: reason };
    }
    const { outcome, detail, refund } = verdict;
    const verified = notice !== undefined;
    const answer = notificationVerdict(outcome, detail, verified);
    const output = {
      ack: answer.ack,
      verdict: answer,
      message: answer.ack ? 'OK' : detail,
      outcome,
      refundNo: refund?.refundNo ?? null,
      verified,
    };
    if (!verified && input.storeUnverified === false) return output;
    await notifications.record({
      apiVersion: input.apiVersion,
      kind: 'refund',
      orderNo: refund?.orderNo ?? null,
      rawBody: rawBody.toString('utf8'),
      headers: keptHeaders(input.headers),
      verified,
      outcome: outcome === detail ? outcome : `${outcome}: ${detail}`,
      receivedAt: clock.now(),
    });
    return output;
  }

  /** A verified notification: checked against the refund, confirmed (v2), applied once. */
  async #handle(apiVersion: ApiVersion, notice: VerifiedRefundNotification): Promise<Verdict> {
    const { refunds, refundGateway, logger } = this.#deps;
    if (notice.mchid !== refundGateway.mchid) {
      return { outcome: 'rejected', detail: 'mchid does not match this merchant' };
    }
    const refund = await refunds.find(notice.refundNo);
    if (!refund) return { outcome: 'rejected', detail: 'unknown out_refund_no' };
    if (refund.orderNo !== notice.orderNo || refund.amountFen !== notice.amountFen) {
      logger?.error(
        { refundNo: refund.refundNo, expectedFen: refund.amountFen, notifiedFen: notice.amountFen },
        'ANOMALY: verified refund notification does not match the refund; left unchanged',
      );
      return {
        outcome: 'rejected',
        detail: 'out_trade_no or refund amount does not match the refund',
        refund,
      };
    }
    if (refund.state === notice.status) return { outcome: 'duplicate', detail: 'duplicate', refund };

    const status = notice.confirmByQuery ? await this.#confirm(refund, notice) : notice;
    if ('outcome' in status) return status;
    const applied = await this.#apply.execute({
      refundNo: refund.refundNo,
      to: status.status,
      changes: { wechatRefundId: status.wechatRefundId, succeededAt: status.succeededAt },
      reason: `refund notification: ${status.status}`,
      source: `notify-${apiVersion}`,
    });
    if (applied) return { outcome: 'applied', detail: 'applied', refund: applied.refund };
    const now = (await refunds.find(refund.refundNo)) ?? refund;
    if (now.state === status.status) return { outcome: 'duplicate', detail: 'duplicate', refund: now };
    logger?.error(
      { refundNo: refund.refundNo, state: now.state, notified: status.status },
      'ANOMALY: refund notification contradicts a settled refund; left unchanged',
    );
    return {
      outcome: 'anomaly',
      detail: `refund is ${now.state}, WeChat says ${status.status}`,
      refund: now,
    };
  }

  /** What WeChat answers when asked about a refund a v2 notification speaks of (the answer wins). */
  async #confirm(refund: Refund, notice: VerifiedRefundNotification): Promise<WechatRefundStatus | Verdict> {
    const { orders, refundGateway, logger } = this.#deps;
    const order = await orders.findByOrderNo(refund.orderNo);
    let confirmed: WechatRefundStatus | undefined;
    try {
      confirmed = order && (await refundGateway.query(refund, order));
    } catch {
      return { outcome: 'retry', detail: 'could not confirm the refund with WeChat, please resend', refund };
    }
    if (!confirmed) return { outcome: 'rejected', detail: 'WeChat does not know this refund', refund };
    if (confirmed.status !== notice.status) {
      logger?.warn(
        { refundNo: refund.refundNo, notified: notice.status, queried: confirmed.status },
        'v2 refund notification differs from WeChat’s answer; applying the answer',
      );
    }
    if (confirmed.status === 'PROCESSING' || confirmed.status === refund.state) {
      return { outcome: 'ignored', detail: `WeChat says ${confirmed.status}`, refund };
    }
    return confirmed;
  }
}

interface Verdict {
  outcome: RefundNotificationOutcome;
  detail: string;
  refund?: Refund;
}
