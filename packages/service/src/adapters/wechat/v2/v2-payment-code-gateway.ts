import { type V2PaidTrade, v2PaymentCodeCashier, v2PaymentCodeResumer } from '@wechatpay-kit/sdk';
import type { Order } from '../../../domain/index.js';
import { fromChinaCompactTime } from '../china-time.js';
import type { PaidPaymentCode, PaymentCodeProtocol, TillPlace } from '../payment-code-protocol.js';
import type { WechatClients } from '../wechat-clients.js';

/** Payment codes in API v2: `/pay/micropay`, `orderquery` and `/secapi/pay/reverse` (mutual TLS). */
export class V2PaymentCodeGateway implements PaymentCodeProtocol<V2PaidTrade> {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  cashier(order: Order, authCode: string | undefined, place: TillPlace) {
    const client = this.#clients.v2For(order.payType);
    if (authCode === undefined) return v2PaymentCodeResumer(client, { out_trade_no: order.orderNo });
    return v2PaymentCodeCashier(client, {
      body: order.description.slice(0, 127),
      out_trade_no: order.orderNo,
      total_fee: order.amountFen,
      spbill_create_ip: order.clientIp,
      auth_code: authCode,
      ...(place.deviceId ? { device_info: place.deviceId } : {}),
    });
  }

  paid(trade: V2PaidTrade): PaidPaymentCode {
    return {
      transactionId: trade.transaction_id,
      paidAt: fromChinaCompactTime(trade.time_end),
      ...(trade.openid ? { payerOpenid: trade.openid } : {}),
      amountFen: trade.total_fee,
    };
  }
}
