import {
  parseV2PaymentNotification,
  toRfc3339Beijing,
  type V2Client,
  WechatPayApiError,
  WechatPayError,
} from '@wechatpay-kit/sdk';
import {
  type ApiVersion,
  DomainError,
  type Order,
  type VerifiedPayment,
  type WechatGateway,
  type WechatTradeStatus,
} from '../../domain/index.js';
import { toChinaCompactTime } from './china-time.js';
import { WechatClients, type WechatMerchantConfig } from './wechat-clients.js';
import { isOrderNotFound, safeReason, toGatewayError } from './wechat-error-mapper.js';
import {
  paymentFromV2Notification,
  paymentFromV3Notification,
  statusFromV2Query,
  statusFromV3Transaction,
} from './wechat-trade-mapper.js';

type Prepay = { codeUrl?: string; prepayId?: string; h5Url?: string };
/** `payType` picks the mini-program's or the App's appid for v2 calls (v2 signs the appid into every request). */
type OrderRef = Pick<Order, 'orderNo' | 'apiVersion'> & Partial<Pick<Order, 'payType'>>;

const PAID_STATES = new Set(['SUCCESS', 'REFUND']);

/**
 * The WeChat Pay port on the SDK: one `V2Client` and one `V3Client` for the process (keys parsed
 * once, connections kept alive), each order served by the API version it was created with. The
 * config is held privately and never echoed: errors carry WeChat's codes, not the request.
 */
export class SdkWechatGateway implements WechatGateway {
  readonly appid: string;
  readonly appids: readonly string[];
  readonly mchid: string;
  readonly apiVersions: readonly ApiVersion[];
  /** The SDK clients, shared with the other WeChat adapters (refunds, pay parameters, mode 1). */
  readonly clients: WechatClients;
  readonly #miniProgramAppid: string;
  readonly #notifyBaseUrl: string;

  /** Builds its own {@link WechatClients} from a config, or shares ones already built. */
  constructor(config: WechatMerchantConfig | WechatClients) {
    const clients = config instanceof WechatClients ? config : new WechatClients(config);
    this.clients = clients;
    this.appid = clients.appid;
    this.#miniProgramAppid = clients.miniProgramAppid;
    this.appids = clients.appids;
    this.mchid = clients.mchid;
    this.apiVersions = clients.apiVersions;
    this.#notifyBaseUrl = clients.notifyBaseUrl;
  }

  async createPrepay(order: Order): Promise<Prepay> {
    try {
      return order.apiVersion === 'v2' ? await this.#prepayV2(order) : await this.#prepayV3(order);
    } catch (error) {
      throw toGatewayError(`${order.apiVersion} create order`, error);
    }
  }

  async query(order: OrderRef): Promise<WechatTradeStatus> {
    try {
      return order.apiVersion === 'v2' ? await this.#queryV2(order) : await this.#queryV3(order.orderNo);
    } catch (error) {
      if (isOrderNotFound(error)) return { tradeState: 'NOT_FOUND' };
      throw toGatewayError(`${order.apiVersion} query`, error);
    }
  }

  /**
   * v2 names the outcome (`ORDERPAID`, `ORDERCLOSED`). v3 documents no "already paid" code, so any
   * refusal of a v3 close is settled by asking: paid → `ALREADY_PAID`, closed or unknown → `CLOSED`,
   * anything else → the original error. An order WeChat never created cannot be paid: `CLOSED`.
   */
  async close(order: OrderRef): Promise<'CLOSED' | 'ALREADY_PAID'> {
    try {
      if (order.apiVersion === 'v2') await this.#v2For(order).closeOrder(order.orderNo);
      else await this.clients.v3.transactions.close(order.orderNo);
      return 'CLOSED';
    } catch (error) {
      if (isOrderNotFound(error)) return 'CLOSED';
      if (order.apiVersion === 'v2' && error instanceof WechatPayApiError) {
        if (error.code === 'ORDERPAID') return 'ALREADY_PAID';
        if (error.code === 'ORDERCLOSED') return 'CLOSED';
      }
      if (order.apiVersion === 'v3' && error instanceof WechatPayApiError && !error.retryable) {
        const status = await this.query(order);
        if (PAID_STATES.has(status.tradeState)) return 'ALREADY_PAID';
        if (status.tradeState === 'CLOSED' || status.tradeState === 'NOT_FOUND') return 'CLOSED';
      }
      throw toGatewayError(`${order.apiVersion} close`, error);
    }
  }

  async verifyPaymentNotification(
    apiVersion: ApiVersion,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<VerifiedPayment> {
    try {
      return apiVersion === 'v2' ? this.#verifyV2(rawBody) : await this.#verifyV3(headers, rawBody);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const why = error instanceof WechatPayError ? safeReason(error) : 'unreadable notification';
      const reason = (error as { reason?: unknown }).reason;
      throw new DomainError('NOTIFICATION_REJECTED', `${apiVersion} notification rejected: ${why}`, {
        reason: typeof reason === 'string' ? reason : (error as { type?: string }).type,
        claimedOrderNo: apiVersion === 'v2' ? claimedV2OrderNo(rawBody) : undefined,
      });
    }
  }

  /** Releases the HTTP connection pools. */
  async shutdown(): Promise<void> {
    await this.clients.close();
  }

  async #prepayV2(order: Order): Promise<Prepay> {
    const common = {
      body: order.description.slice(0, 128),
      out_trade_no: order.orderNo,
      total_fee: order.amountFen,
      spbill_create_ip: order.clientIp,
      notify_url: `${this.#notifyBaseUrl}/api/notify/v2`,
      time_start: toChinaCompactTime(order.createdAt),
      time_expire: toChinaCompactTime(order.expiresAt),
    };
    switch (order.payType) {
      case 'NATIVE': {
        const r = await this.clients.v2.unifiedOrder({
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
        const r = await this.#v2For(order).unifiedOrder({
          ...common,
          trade_type: 'JSAPI',
          openid: requireOpenid(order),
        });
        return { prepayId: r.prepay_id };
      }
      case 'H5': {
        const scene = JSON.stringify({
          h5_info: { type: 'Wap', wap_url: this.#notifyBaseUrl, wap_name: 'shop' },
        });
        const r = await this.clients.v2.unifiedOrder({ ...common, trade_type: 'MWEB', scene_info: scene });
        return { h5Url: this.#withReturn(r.mweb_url, order), prepayId: r.prepay_id };
      }
      case 'APP': {
        const r = await this.#v2For(order).unifiedOrder({ ...common, trade_type: 'APP' });
        return { prepayId: r.prepay_id };
      }
    }
  }

  async #prepayV3(order: Order): Promise<Prepay> {
    const common = {
      appid: this.appid,
      description: order.description.slice(0, 127),
      out_trade_no: order.orderNo,
      time_expire: toRfc3339Beijing(order.expiresAt),
      notify_url: `${this.#notifyBaseUrl}/api/notify/v3`,
      amount: { total: order.amountFen, currency: 'CNY' as const },
    };
    const tx = this.clients.v3.transactions;
    switch (order.payType) {
      case 'NATIVE':
        return { codeUrl: (await tx.native(common)).code_url };
      case 'JSAPI':
      case 'MINIPROGRAM': {
        const appid = order.payType === 'MINIPROGRAM' ? this.#miniProgramAppid : this.appid;
        const payer = { openid: requireOpenid(order) };
        return { prepayId: (await tx.jsapi({ ...common, appid, payer })).prepay_id };
      }
      case 'H5': {
        const scene_info = { payer_client_ip: order.clientIp, h5_info: { type: 'Wap' } };
        return { h5Url: this.#withReturn((await tx.h5({ ...common, scene_info })).h5_url, order) };
      }
      case 'APP':
        return { prepayId: (await tx.app({ ...common, appid: this.clients.appAppid })).prepay_id };
    }
  }

  /**
   * WeChat's H5 cashier sends the browser back to `redirect_url` (URL-encoded, appended by the
   * merchant) once the payer paid or cancelled in WeChat: here the shopper's order page, which asks
   * the server whether it was paid — the return itself proves nothing.
   */
  #withReturn(h5Url: string | undefined, order: Order): string | undefined {
    if (!h5Url) return undefined;
    const back = `${this.#notifyBaseUrl}/h5/orders/${encodeURIComponent(order.orderNo)}`;
    return `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(back)}`;
  }

  async #queryV2(order: OrderRef): Promise<WechatTradeStatus> {
    return statusFromV2Query(await this.#v2For(order).orderQuery({ out_trade_no: order.orderNo }));
  }

  #v2For(order: OrderRef): V2Client {
    return this.clients.v2For(order.payType);
  }

  async #queryV3(orderNo: string): Promise<WechatTradeStatus> {
    return statusFromV3Transaction(await this.clients.v3.transactions.queryByOutTradeNo(orderNo));
  }

  #verifyV2(rawBody: Buffer): VerifiedPayment {
    return paymentFromV2Notification(parseV2PaymentNotification(rawBody, this.clients.apiKey));
  }

  async #verifyV3(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<VerifiedPayment> {
    const n = await this.clients.v3.notifications.parse(headers, rawBody);
    if (n.event_type !== 'TRANSACTION.SUCCESS') {
      throw new DomainError('NOTIFICATION_REJECTED', `v3 ${n.event_type} is not a payment notification`, {
        reason: 'not-a-payment',
      });
    }
    return paymentFromV3Notification(n);
  }
}

function requireOpenid(order: Order): string {
  if (!order.openid)
    throw new DomainError('OPENID_REQUIRED', `${order.payType} orders need the payer's openid`);
  return order.openid;
}

/**
 * The out_trade_no a v2 notification that failed verification claims to be about (v2 bodies are
 * plain XML), so the admin sees a forgery next to the order it targeted. A v3 body is encrypted:
 * nothing to claim before verification. Only a well-formed order number is taken.
 */
function claimedV2OrderNo(rawBody: Buffer): string | undefined {
  const match = /<out_trade_no>\s*(?:<!\[CDATA\[)?([0-9A-Za-z_\-|*]{6,32})(?:\]\]>)?\s*<\/out_trade_no>/.exec(
    rawBody.toString('utf8'),
  );
  return match?.[1];
}
