import { type V3Transaction, v3PaymentCodeCashier, v3PaymentCodeResumer } from '@wechatpay-kit/sdk';
import type { Order } from '../../../domain/index.js';
import { fromRfc3339 } from '../china-time.js';
import type { PaidPaymentCode, PaymentCodeProtocol, TillPlace } from '../payment-code-protocol.js';
import type { WechatClients } from '../wechat-clients.js';

/** Payment codes in API v3: `/v3/pay/transactions/codepay`, query by `out_trade_no`, reverse. */
export class V3PaymentCodeGateway implements PaymentCodeProtocol<V3Transaction> {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  cashier(order: Order, authCode: string | undefined, place: TillPlace) {
    const { v3 } = this.#clients;
    const appid = this.#clients.appidFor(order.payType);
    if (authCode === undefined) return v3PaymentCodeResumer(v3, { out_trade_no: order.orderNo, appid });
    return v3PaymentCodeCashier(v3, {
      appid,
      description: order.description.slice(0, 127),
      out_trade_no: order.orderNo,
      payer: { auth_code: authCode },
      amount: { total: order.amountFen, currency: 'CNY' },
      scene_info: {
        ...(place.deviceId ? { device_id: place.deviceId } : {}),
        device_ip: order.clientIp,
        store_info: { out_id: place.storeId },
      },
    });
  }

  paid(transaction: V3Transaction): PaidPaymentCode {
    return {
      transactionId: transaction.transaction_id ?? '',
      paidAt: fromRfc3339(transaction.success_time),
      ...(transaction.payer?.openid ? { payerOpenid: transaction.payer.openid } : {}),
      ...(transaction.amount?.total !== undefined ? { amountFen: transaction.amount.total } : {}),
    };
  }
}
