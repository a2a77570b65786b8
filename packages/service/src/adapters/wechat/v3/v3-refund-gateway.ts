import type { V3Refund } from '@wechatpay-kit/sdk';
import type { Order, Refund, WechatRefundStatus } from '../../../domain/index.js';
import { fromRfc3339 } from '../china-time.js';
import type { RefundProtocol } from '../refund-protocol.js';
import type { WechatClients } from '../wechat-clients.js';

/** Refunds in API v3: `/v3/refund/domestic/refunds`, create and query by `out_refund_no`. */
export class V3RefundGateway implements RefundProtocol {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async submit(refund: Refund, order: Order, notifyUrl: string): Promise<WechatRefundStatus> {
    const r = await this.#clients.v3.refunds.create({
      out_trade_no: order.orderNo,
      out_refund_no: refund.refundNo,
      reason: refund.reason ? refund.reason.slice(0, 80) : undefined,
      notify_url: notifyUrl,
      amount: { refund: refund.amountFen, total: order.amountFen, currency: 'CNY' },
    });
    return statusOf(r);
  }

  async query(refund: Refund): Promise<WechatRefundStatus> {
    return statusOf(await this.#clients.v3.refunds.query(refund.refundNo));
  }
}

function statusOf(r: V3Refund): WechatRefundStatus {
  return {
    status: r.status,
    wechatRefundId: r.refund_id,
    amountFen: r.amount.refund,
    succeededAt: fromRfc3339(r.success_time),
  };
}
