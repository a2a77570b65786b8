import { randomInt } from 'node:crypto';
import { BadGatewayException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { toRfc3339Beijing, V3Client, type V3PaidTransaction, WechatPayApiError } from '@wechatpay-kit/sdk';
import { ShopConfig } from '../wechat/shop-config.js';
import { CATALOGUE } from './catalogue.js';

export interface Order {
  /** Also the WeChat `out_trade_no`. */
  orderNo: string;
  productId: string;
  description: string;
  amountFen: number;
  /** The buyer, under the mini-program's appid: only they may see the order. */
  openid: string;
  state: 'NOTPAY' | 'PAID';
  expiresAt: string;
  transactionId?: string;
  paidAt?: string;
}

/** What `wx.requestPayment()` takes. No appId: the mini-program's own is implied (and signed). */
export interface RequestPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/**
 * The shop's orders and the one rule that moves them: an order becomes PAID once, from NOTPAY,
 * for a notification whose amount, merchant and appid are this order's. In memory for the
 * example; a real shop does the same with a conditional UPDATE and a unique transaction_id.
 */
@Injectable()
export class OrdersService {
  readonly #logger = new Logger('Orders');
  readonly #orders = new Map<string, Order>();
  /** transaction_id → orderNo: the dedupe key of payment notifications, which WeChat resends until ACKed. */
  readonly #applied = new Map<string, string>();

  constructor(
    private readonly wxpay: V3Client,
    private readonly config: ShopConfig,
  ) {}

  /** A v3 JSAPI order under the mini-program's appid with the buyer as payer, and its pay parameters. */
  async place(
    openid: string,
    productId: string,
    quantity: number,
  ): Promise<(Order & { payParams: RequestPaymentParams }) | undefined> {
    const product = CATALOGUE.find((p) => p.id === productId);
    if (!product) return undefined;
    const orderNo = `NM${Date.now()}${randomInt(1000, 10000)}`;
    const expiresAt = toRfc3339Beijing(new Date(Date.now() + this.config.orderTtlMs));
    const order: Order = {
      orderNo,
      productId,
      description: quantity > 1 ? `${product.name} ×${quantity}` : product.name,
      amountFen: product.priceFen * quantity,
      openid,
      state: 'NOTPAY',
      expiresAt,
    };
    let prepayId: string;
    try {
      ({ prepay_id: prepayId } = await this.wxpay.transactions.jsapi({
        appid: this.config.miniProgramAppid,
        description: order.description,
        out_trade_no: orderNo,
        notify_url: `${this.config.publicUrl}/api/notify/v3`,
        time_expire: expiresAt,
        amount: { total: order.amountFen },
        payer: { openid },
      }));
    } catch (error) {
      if (error instanceof WechatPayApiError) {
        throw new BadGatewayException({
          error: error.code,
          message: `WeChat Pay refused the order: ${error.message}`,
        });
      }
      throw error;
    }
    this.#orders.set(orderNo, order);
    // Signed under the same appid as the order, or WeChat's client says 支付验证签名失败.
    const { appId: _implied, ...payParams } = this.wxpay.jsapiPayParams({
      appId: this.config.miniProgramAppid,
      prepayId,
    });
    return { ...order, payParams };
  }

  /** The order if it is this buyer's; anyone else's looks like none. */
  find(orderNo: string, openid: string): Order | undefined {
    const order = this.#orders.get(orderNo);
    return order?.openid === openid ? order : undefined;
  }

  /**
   * The `TRANSACTION.SUCCESS` handler. Returning ACKs; throwing makes WeChat resend, so it throws
   * only when a resend could help (an order this instance does not know). A duplicate or an anomaly
   * a resend cannot change (amount, merchant, appid) is ACKed: duplicates change nothing, anomalies
   * are logged for a person and the goods are not released.
   */
  markPaid(paid: V3PaidTransaction): void {
    const seen = this.#applied.get(paid.transaction_id);
    if (seen !== undefined) {
      if (seen !== paid.out_trade_no) this.#anomaly(paid, `transaction already applied to ${seen}`);
      return;
    }
    const order = this.#orders.get(paid.out_trade_no);
    if (!order) throw new NotFoundException(`unknown out_trade_no ${paid.out_trade_no}`);
    const mismatch = this.#mismatch(paid, order);
    if (mismatch) {
      this.#anomaly(paid, mismatch);
      return;
    }
    Object.assign(order, { state: 'PAID', transactionId: paid.transaction_id, paidAt: paid.success_time });
    this.#applied.set(paid.transaction_id, order.orderNo);
    this.#logger.log(`paid ${order.orderNo} (${paid.transaction_id}), ${order.amountFen} fen`);
  }

  /** Why this payment cannot settle this order, if it cannot. */
  #mismatch(paid: V3PaidTransaction, order: Order): string | undefined {
    if (paid.mchid !== this.config.mchid || paid.appid !== this.config.miniProgramAppid)
      return `paid to ${paid.mchid}/${paid.appid}`;
    if (paid.amount.total !== order.amountFen)
      return `paid ${paid.amount.total} fen, the order is ${order.amountFen}`;
    if (order.state !== 'NOTPAY') return `order is ${order.state} with ${order.transactionId}`;
    return undefined;
  }

  #anomaly(paid: V3PaidTransaction, what: string): void {
    this.#logger.error(`ANOMALY ${paid.out_trade_no} / ${paid.transaction_id}: ${what}; not fulfilled`);
  }
}
