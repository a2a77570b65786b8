import { toRfc3339Beijing, WechatPayApiError } from '@wechatpay-kit/sdk';
import { DomainError, type Order, type WechatTradeStatus } from '../../../domain/index.js';
import { type PaymentProtocol, type Prepay, requireOpenid, type TradeRef } from '../payment-protocol.js';
import type { WechatClients } from '../wechat-clients.js';
import { isOrderNotFound } from '../wechat-error-mapper.js';
import { statusFromV3Transaction } from '../wechat-trade-mapper.js';

/**
 * Payments in API v3: `/v3/pay/transactions/{native,jsapi,h5,app}`, query by `out_trade_no` and
 * close (JSON, SHA256-RSA signed requests and verified answers). The appid travels in the body, so
 * one client serves every appid.
 */
export class V3PaymentGateway implements PaymentProtocol {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  async createPrepay(order: Order): Promise<Prepay> {
    const clients = this.#clients;
    const common = {
      appid: clients.appid,
      description: order.description.slice(0, 127),
      out_trade_no: order.orderNo,
      time_expire: toRfc3339Beijing(order.expiresAt),
      notify_url: `${clients.notifyBaseUrl}/api/notify/v3`,
      amount: { total: order.amountFen, currency: 'CNY' as const },
    };
    const tx = clients.v3.transactions;
    switch (order.payType) {
      case 'NATIVE':
        return { codeUrl: (await tx.native(common)).code_url };
      case 'JSAPI':
      case 'MINIPROGRAM': {
        const appid = clients.appidFor(order.payType);
        const payer = { openid: requireOpenid(order) };
        return { prepayId: (await tx.jsapi({ ...common, appid, payer })).prepay_id };
      }
      case 'H5': {
        const scene_info = { payer_client_ip: order.clientIp, h5_info: { type: 'Wap' } };
        return { h5Url: (await tx.h5({ ...common, scene_info })).h5_url };
      }
      case 'APP':
        return { prepayId: (await tx.app({ ...common, appid: clients.appAppid })).prepay_id };
      case 'MICROPAY':
        // A payment code is charged by the cashier's own call, never through a prepay.
        throw new DomainError('PAY_TYPE_UNSUPPORTED', 'a payment-code order has no prepay');
    }
  }

  async query(order: TradeRef): Promise<WechatTradeStatus> {
    try {
      return statusFromV3Transaction(await this.#clients.v3.transactions.queryByOutTradeNo(order.orderNo));
    } catch (error) {
      if (isOrderNotFound(error)) return { tradeState: 'NOT_FOUND', paid: false };
      throw error;
    }
  }

  /**
   * v3 documents no "already paid" code, so any refusal of a close is settled by asking: paid →
   * `ALREADY_PAID`, closed or unknown → `CLOSED`, anything else → the original error. An order
   * WeChat never created cannot be paid: `CLOSED`.
   */
  async close(order: TradeRef): Promise<'CLOSED' | 'ALREADY_PAID'> {
    try {
      await this.#clients.v3.transactions.close(order.orderNo);
      return 'CLOSED';
    } catch (error) {
      if (isOrderNotFound(error)) return 'CLOSED';
      if (!(error instanceof WechatPayApiError) || error.retryable) throw error;
      const status = await this.query(order);
      if (status.paid) return 'ALREADY_PAID';
      if (status.tradeState === 'CLOSED' || status.tradeState === 'NOT_FOUND') return 'CLOSED';
      throw error;
    }
  }
}
