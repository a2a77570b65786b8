import { type V2Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import { DomainError, type Order, type WechatTradeStatus } from '../../../domain/index.js';
import { toChinaCompactTime } from '../china-time.js';
import { type PaymentProtocol, type Prepay, requireOpenid, type TradeRef } from '../payment-protocol.js';
import type { WechatClients } from '../wechat-clients.js';
import { isOrderNotFound } from '../wechat-error-mapper.js';
import { statusFromV2Query } from '../wechat-trade-mapper.js';

/**
 * Payments in API v2: `unifiedorder`, `orderquery`, `closeorder` (XML, MD5 or HMAC-SHA256 with the
 * API key). v2 signs the appid into every request, so each order goes through the client of the
 * appid it is paid under (official account, mini-program or App).
 */
export class V2PaymentGateway implements PaymentProtocol {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async createPrepay(order: Order): Promise<Prepay> {
    const notifyBaseUrl = this.#clients.notifyBaseUrl;
    const common = {
      body: order.description.slice(0, 128),
      out_trade_no: order.orderNo,
      total_fee: order.amountFen,
      spbill_create_ip: order.clientIp,
      notify_url: `${notifyBaseUrl}/api/notify/v2`,
      time_start: toChinaCompactTime(order.createdAt),
      time_expire: toChinaCompactTime(order.expiresAt),
    };
    const v2 = this.#v2For(order);
    switch (order.payType) {
      case 'NATIVE': {
        const r = await v2.unifiedOrder({
          ...common,
          trade_type: 'NATIVE',
          product_id: order.productId,
          // Native mode 1 knows the payer from the scan callback; WeChat then holds the order for them.
          openid: order.openid ?? undefined,
        });
        return { codeUrl: r.code_url, prepayId: r.prepay_id };
      }
      case 'JSAPI':
      case 'MINIPROGRAM': {
        const r = await v2.unifiedOrder({ ...common, trade_type: 'JSAPI', openid: requireOpenid(order) });
        return { prepayId: r.prepay_id };
      }
      case 'H5': {
        const scene = JSON.stringify({
          h5_info: { type: 'Wap', wap_url: notifyBaseUrl, wap_name: 'shop' },
        });
        const r = await v2.unifiedOrder({ ...common, trade_type: 'MWEB', scene_info: scene });
        return { h5Url: r.mweb_url, prepayId: r.prepay_id };
      }
      case 'APP': {
        const r = await v2.unifiedOrder({ ...common, trade_type: 'APP' });
        return { prepayId: r.prepay_id };
      }
      case 'MICROPAY':
        // A payment code is charged by the cashier's own call, never through a prepay.
        throw new DomainError('PAY_TYPE_UNSUPPORTED', 'a payment-code order has no prepay');
    }
  }

  async query(order: TradeRef): Promise<WechatTradeStatus> {
    try {
      return statusFromV2Query(await this.#v2For(order).orderQuery({ out_trade_no: order.orderNo }));
    } catch (error) {
      if (isOrderNotFound(error)) return { tradeState: 'NOT_FOUND', paid: false };
      throw error;
    }
  }

  /** v2 names the outcome of a refused close: `ORDERPAID`, `ORDERCLOSED`; an unknown order cannot be paid. */
  async close(order: TradeRef): Promise<'CLOSED' | 'ALREADY_PAID'> {
    try {
      await this.#v2For(order).closeOrder(order.orderNo);
      return 'CLOSED';
    } catch (error) {
      if (isOrderNotFound(error)) return 'CLOSED';
      if (error instanceof WechatPayApiError && error.code === 'ORDERPAID') return 'ALREADY_PAID';
      if (error instanceof WechatPayApiError && error.code === 'ORDERCLOSED') return 'CLOSED';
      throw error;
    }
  }

  #v2For(order: TradeRef): V2Client {
    return this.#clients.v2For(order.payType);
  }
}
