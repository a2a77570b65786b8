import {
  parseV2RefundNotification,
  type V2RefundStatus,
  type V3RefundStatus,
  WechatPayApiError,
  WechatPayConfigError,
  WechatPayError,
  WechatPayValidationError,
} from '@wechatpay-kit/sdk';
import {
  type ApiVersion,
  DomainError,
  type Order,
  type Refund,
  type RefundGateway,
  type RefundSubmission,
  type VerifiedRefundNotification,
  type WechatRefundStatus,
} from '../../domain/index.js';
import { fromChinaDashedTime } from './china-time.js';
import type { WechatClients } from './wechat-clients.js';
import { isOrderNotFound, safeReason } from './wechat-error-mapper.js';

const FROM_V2: Record<V2RefundStatus, WechatRefundStatus['status']> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  CHANGE: 'ABNORMAL',
  REFUNDCLOSE: 'CLOSED',
};

/** Refusals that say "not now" rather than "never": the refund is resubmitted later. */
const TRANSIENT_CODES = new Set(['FREQUENCY_LIMITED', 'RATELIMIT_EXCEEDED', 'INVALID_REQ_TOO_MUCH']);

/**
 * Refunds on the SDK, through the shared {@link WechatClients}: v2 `secapi/pay/refund` (mutual TLS
 * with the merchant certificate) and `refundquery`, v3 `/v3/refund/domestic/refunds`, and both
 * refund notifications. Each refund goes through the API version its order was paid with.
 */
export class SdkRefundGateway implements RefundGateway {
  readonly mchid: string;
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
    this.mchid = clients.mchid;
  }

  async submit(refund: Refund, order: Order): Promise<RefundSubmission> {
    try {
      return { kind: 'accepted', ...(await this.#submit(refund, order)) };
    } catch (error) {
      const code = codeOf(error);
      const message = safeReason(error);
      return isDefinitiveRefusal(error)
        ? { kind: 'refused', code, message }
        : { kind: 'unavailable', code, message };
    }
  }

  async query(refund: Refund, order: Order): Promise<WechatRefundStatus | undefined> {
    try {
      if (refund.apiVersion === 'v2') {
        const answer = await this.#clients
          .v2For(order.payType)
          .refundQuery({ out_refund_no: refund.refundNo });
        const item = answer.refunds.find((r) => r.out_refund_no === refund.refundNo);
        if (!item) return undefined;
        return {
          status: FROM_V2[item.refund_status],
          wechatRefundId: item.refund_id,
          amountFen: item.refund_fee,
          succeededAt: fromChinaDashedTime(item.refund_success_time),
        };
      }
      const r = await this.#clients.v3.refunds.query(refund.refundNo);
      return {
        status: r.status,
        wechatRefundId: r.refund_id,
        amountFen: r.amount.refund,
        succeededAt: rfc3339(r.success_time),
      };
    } catch (error) {
      if (isOrderNotFound(error) || (error instanceof WechatPayApiError && error.code === 'REFUNDNOTEXIST')) {
        return undefined;
      }
      throw new DomainError('WECHAT_UNAVAILABLE', `WeChat Pay refund query failed: ${safeReason(error)}`, {
        wechatCode: codeOf(error),
      });
    }
  }

  async verifyNotification(
    apiVersion: ApiVersion,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<VerifiedRefundNotification> {
    try {
      return apiVersion === 'v2' ? this.#verifyV2(rawBody) : await this.#verifyV3(headers, rawBody);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError(
        'NOTIFICATION_REJECTED',
        `${apiVersion} refund notification rejected: ${error instanceof WechatPayError ? safeReason(error) : 'unreadable notification'}`,
      );
    }
  }

  async #submit(refund: Refund, order: Order): Promise<WechatRefundStatus> {
    const notifyUrl = `${this.#clients.notifyBaseUrl}/api/notify/${refund.apiVersion}/refund`;
    if (refund.apiVersion === 'v2') {
      const answer = await this.#clients.v2For(order.payType).refund({
        out_trade_no: order.orderNo,
        out_refund_no: refund.refundNo,
        total_fee: order.amountFen,
        refund_fee: refund.amountFen,
        refund_desc: refund.reason ? refund.reason.slice(0, 80) : undefined,
        notify_url: notifyUrl,
      });
      // v2 answers "accepted" only; the outcome comes by notification or refundquery.
      return { status: 'PROCESSING', wechatRefundId: answer.refund_id, amountFen: answer.refund_fee };
    }
    const r = await this.#clients.v3.refunds.create({
      out_trade_no: order.orderNo,
      out_refund_no: refund.refundNo,
      reason: refund.reason ? refund.reason.slice(0, 80) : undefined,
      notify_url: notifyUrl,
      amount: { refund: refund.amountFen, total: order.amountFen, currency: 'CNY' },
    });
    return {
      status: r.status,
      wechatRefundId: r.refund_id,
      amountFen: r.amount.refund,
      succeededAt: rfc3339(r.success_time),
    };
  }

  #verifyV2(rawBody: Buffer): VerifiedRefundNotification {
    const n = parseV2RefundNotification(rawBody, this.#clients.apiKey);
    return {
      apiVersion: 'v2',
      mchid: n.mch_id,
      refundNo: n.out_refund_no,
      orderNo: n.out_trade_no,
      amountFen: n.refund_fee,
      wechatRefundId: n.refund_id,
      status: FROM_V2[n.refund_status],
      succeededAt: fromChinaDashedTime(n.success_time),
    };
  }

  async #verifyV3(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<VerifiedRefundNotification> {
    const n = await this.#clients.v3.notifications.parse(headers, rawBody);
    if (n.event_type === 'TRANSACTION.SUCCESS') {
      throw new DomainError('NOTIFICATION_REJECTED', 'v3 TRANSACTION.SUCCESS is not a refund notification');
    }
    const r = n.resource;
    return {
      apiVersion: 'v3',
      mchid: r.mchid,
      refundNo: r.out_refund_no,
      orderNo: r.out_trade_no,
      amountFen: r.amount.refund,
      wechatRefundId: r.refund_id,
      status: r.refund_status as V3RefundStatus,
      succeededAt: rfc3339(r.success_time),
    };
  }
}

/** WeChat (or our own configuration) said no, and asking again with the same parameters won't change it. */
function isDefinitiveRefusal(error: unknown): boolean {
  if (error instanceof WechatPayValidationError || error instanceof WechatPayConfigError) return true;
  if (!(error instanceof WechatPayApiError)) return false;
  return !error.retryable && error.status !== 429 && !TRANSIENT_CODES.has(error.code);
}

function codeOf(error: unknown): string {
  if (error instanceof WechatPayApiError) return error.code;
  if (error instanceof WechatPayValidationError) return 'INVALID_PARAMETER';
  if (error instanceof WechatPayConfigError) return 'CONFIGURATION_ERROR';
  return (error as { timedOut?: boolean }).timedOut ? 'TIMEOUT' : 'NETWORK_ERROR';
}

function rfc3339(text: string | undefined): Date | undefined {
  const at = text ? new Date(text) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}
