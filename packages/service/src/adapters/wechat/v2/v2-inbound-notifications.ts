import { parseV2PaymentNotification, parseV2RefundNotification, v2NotificationAck } from '@wechatpay-kit/sdk';
import type {
  InboundNotifications,
  NotificationVerdict,
  VerifiedPayment,
  VerifiedRefundNotification,
  WechatReply,
} from '../../../domain/index.js';
import { fromChinaDashedTime } from '../china-time.js';
import type { WechatClients } from '../wechat-clients.js';
import { notificationRejected } from '../wechat-error-mapper.js';
import { paymentFromV2Notification } from '../wechat-trade-mapper.js';
import { refundStatusFromV2 } from './v2-refund-gateway.js';

export const XML_CONTENT = { 'content-type': 'text/xml; charset=utf-8' } as const;

/**
 * API v2 callbacks: payment notifications signed with the API key (MD5 or HMAC-SHA256), refund
 * notifications encrypted under it (`req_info`, AES-256-ECB, no signature), and the XML
 * `return_code` answer WeChat reads from a 200.
 */
export class V2InboundNotifications implements InboundNotifications {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async verifyPayment(_headers: unknown, rawBody: Buffer): Promise<VerifiedPayment> {
    try {
      return paymentFromV2Notification(parseV2PaymentNotification(rawBody, this.#clients.apiKey));
    } catch (error) {
      throw notificationRejected('v2 notification', error, claimedOrderNo(rawBody));
    }
  }

  async verifyRefund(_headers: unknown, rawBody: Buffer): Promise<VerifiedRefundNotification> {
    try {
      const n = parseV2RefundNotification(rawBody, this.#clients.apiKey);
      return {
        apiVersion: 'v2',
        mchid: n.mch_id,
        refundNo: n.out_refund_no,
        orderNo: n.out_trade_no,
        amountFen: n.refund_fee,
        wechatRefundId: n.refund_id,
        status: refundStatusFromV2(n.refund_status),
        succeededAt: fromChinaDashedTime(n.success_time),
        confirmByQuery: true,
      };
    } catch (error) {
      throw notificationRejected('v2 refund notification', error);
    }
  }

  /** A non-200 would also be retried, but v2 reads `return_code` from a 200 and a 4xx hides the reason. */
  reply(verdict: NotificationVerdict, limited = false): WechatReply {
    const body = verdict.ack ? v2NotificationAck(true) : v2NotificationAck(false, verdict.message);
    return { status: limited ? 429 : 200, headers: { ...XML_CONTENT }, body };
  }
}

/**
 * The out_trade_no a v2 notification that failed verification claims to be about (v2 bodies are
 * plain XML), so the admin sees a forgery next to the order it targeted. Only a well-formed order
 * number is taken.
 */
function claimedOrderNo(rawBody: Buffer): string | undefined {
  const match = /<out_trade_no>\s*(?:<!\[CDATA\[)?([0-9A-Za-z_\-|*]{6,32})(?:\]\]>)?\s*<\/out_trade_no>/.exec(
    rawBody.toString('utf8'),
  );
  return match?.[1];
}
