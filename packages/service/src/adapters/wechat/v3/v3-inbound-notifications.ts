import {
  type V3Notification,
  type V3RefundStatus,
  v3NotificationAck,
  v3NotificationFailure,
} from '@wechatpay-kit/sdk';
import {
  DomainError,
  type InboundNotifications,
  type NotificationVerdict,
  type VerifiedPayment,
  type VerifiedRefundNotification,
  type WechatReply,
} from '../../../domain/index.js';
import { fromRfc3339 } from '../china-time.js';
import type { WechatClients } from '../wechat-clients.js';
import { notificationRejected } from '../wechat-error-mapper.js';
import { paymentFromV3Notification } from '../wechat-trade-mapper.js';

type Headers = Record<string, string | string[] | undefined>;

/**
 * API v3 callbacks: signed by WeChat Pay (platform certificate or public key) and encrypted with the
 * APIv3 key (AEAD_AES_256_GCM); answered 204, or `{code, message}` with a 4xx/5xx so WeChat resends.
 */
export class V3InboundNotifications implements InboundNotifications {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async verifyPayment(headers: Headers, rawBody: Buffer): Promise<VerifiedPayment> {
    const n = await this.#parse('v3 notification', headers, rawBody);
    if (n.event_type !== 'TRANSACTION.SUCCESS') {
      throw new DomainError('NOTIFICATION_REJECTED', `v3 ${n.event_type} is not a payment notification`, {
        reason: 'not-a-payment',
      });
    }
    return { ...paymentFromV3Notification(n), decrypted: JSON.stringify(n.resource) };
  }

  async verifyRefund(headers: Headers, rawBody: Buffer): Promise<VerifiedRefundNotification> {
    const n = await this.#parse('v3 refund notification', headers, rawBody);
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
      succeededAt: fromRfc3339(r.success_time),
      confirmByQuery: false,
    };
  }

  reply(verdict: NotificationVerdict, limited = false): WechatReply {
    if (verdict.ack) {
      const ack = v3NotificationAck();
      return { status: ack.status, headers: { ...ack.headers }, body: undefined };
    }
    const failure = v3NotificationFailure(verdict.message);
    // A notification that will never verify is the sender's fault (4xx); anything else is ours (5xx).
    const status = limited ? 429 : verdict.failure === 'rejected' ? 400 : failure.status;
    return { status, headers: { ...failure.headers }, body: failure.body };
  }

  async #parse(what: string, headers: Headers, rawBody: Buffer): Promise<V3Notification> {
    try {
      return await this.#clients.v3.notifications.parse(headers, rawBody);
    } catch (error) {
      throw notificationRejected(what, error);
    }
  }
}
