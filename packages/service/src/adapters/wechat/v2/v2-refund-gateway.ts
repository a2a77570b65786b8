import type { V2RefundStatus } from '@wechatpay-kit/sdk';
import type { Order, Refund, WechatRefundStatus } from '../../../domain/index.js';
import { fromChinaDashedTime } from '../china-time.js';
import type { RefundProtocol } from '../refund-protocol.js';
import type { WechatClients } from '../wechat-clients.js';

const FROM_V2: Record<V2RefundStatus, WechatRefundStatus['status']> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  CHANGE: 'ABNORMAL',
  REFUNDCLOSE: 'CLOSED',
};

/** v2's refund status in the domain's words (`CHANGE` is v3's `ABNORMAL`). */
export function refundStatusFromV2(status: V2RefundStatus): WechatRefundStatus['status'] {
  return FROM_V2[status];
}

/**
 * Refunds in API v2: `secapi/pay/refund` (mutual TLS with the merchant certificate) and
 * `refundquery`, through the client of the appid the order was paid under.
 */
export class V2RefundGateway implements RefundProtocol {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async submit(refund: Refund, order: Order, notifyUrl: string): Promise<WechatRefundStatus> {
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

  async query(refund: Refund, order: Order): Promise<WechatRefundStatus | undefined> {
    const answer = await this.#clients.v2For(order.payType).refundQuery({ out_refund_no: refund.refundNo });
    const item = answer.refunds.find((r) => r.out_refund_no === refund.refundNo);
    if (!item) return undefined;
    return {
      status: FROM_V2[item.refund_status],
      wechatRefundId: item.refund_id,
      amountFen: item.refund_fee,
      succeededAt: fromChinaDashedTime(item.refund_success_time),
    };
  }
}
