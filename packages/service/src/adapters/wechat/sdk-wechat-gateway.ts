import {
  parseV2PaymentNotification,
  toRfc3339Beijing,
  V2Client,
  V3Client,
  type V3Verification,
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
import { isOrderNotFound, safeReason, toGatewayError } from './wechat-error-mapper.js';
import {
  paymentFromV2Notification,
  paymentFromV3Notification,
  statusFromV2Query,
  statusFromV3Transaction,
} from './wechat-trade-mapper.js';

/** One merchant's WeChat Pay credentials and where to reach WeChat (or the simulator). */
export interface WechatMerchantConfig {
  /** The official account (Native, JSAPI, H5, App orders). */
  appid: string;
  /** MINIPROGRAM orders are created under this appid (the payer's openid belongs to it). */
  miniProgramAppid?: string;
  mchid: string;
  /** API v2 key (32 characters). */
  apiKey: string;
  apiV3Key: string;
  /** Serial of the merchant API certificate. */
  serialNo: string;
  privateKeyPem: string;
  /** How WeChat Pay's v3 signatures are checked: the WeChat Pay public key, or downloaded certificates. */
  verification:
    | { mode: 'public-key'; publicKeyId: string; publicKeyPem: string }
    | { mode: 'certificates'; pinnedPem?: string[] };
  /** Default `https://api.mch.weixin.qq.com`. */
  baseUrl?: string;
  /** The service's public URL; WeChat is told to notify `${notifyBaseUrl}/api/notify/v2|v3`. */
  notifyBaseUrl: string;
  /** Clock in ms for v3 signatures and the notification timestamp window (a simulator's movable clock). */
  now?: () => number;
  timeoutMs?: number;
}

type Prepay = { codeUrl?: string; prepayId?: string; h5Url?: string };
/** `payType` picks the mini-program's appid for v2 calls (v2 signs the appid into every request). */
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
  readonly #miniProgramAppid: string;
  readonly #v2: V2Client;
  readonly #v2MiniProgram: V2Client;
  readonly #v3: V3Client;
  readonly #apiKey: string;
  readonly #notifyBaseUrl: string;

  constructor(config: WechatMerchantConfig) {
    this.appid = config.appid;
    this.#miniProgramAppid = config.miniProgramAppid ?? config.appid;
    this.appids = [...new Set([config.appid, this.#miniProgramAppid])];
    this.mchid = config.mchid;
    this.#apiKey = config.apiKey;
    this.#notifyBaseUrl = config.notifyBaseUrl.replace(/\/+$/, '');
    const v2Options = {
      mchid: config.mchid,
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
    };
    this.#v2 = new V2Client({ ...v2Options, appid: config.appid });
    // v2 signs the appid into every request: a mini-program needs its own client (same key, own pool).
    this.#v2MiniProgram =
      this.#miniProgramAppid === config.appid
        ? this.#v2
        : new V2Client({ ...v2Options, appid: this.#miniProgramAppid });
    this.#v3 = new V3Client({
      mchid: config.mchid,
      serialNo: config.serialNo,
      privateKey: config.privateKeyPem,
      apiV3Key: config.apiV3Key,
      verification: v3Verification(config.verification),
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      now: config.now,
    });
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
      else await this.#v3.transactions.close(order.orderNo);
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
      });
    }
  }

  /** Releases the HTTP connection pools. */
  async shutdown(): Promise<void> {
    await Promise.all([this.#v2.close(), this.#v2MiniProgram.close(), this.#v3.close()]);
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
        const r = await this.#v2.unifiedOrder({
          ...common,
          trade_type: 'NATIVE',
          product_id: order.productId,
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
        const r = await this.#v2.unifiedOrder({ ...common, trade_type: 'MWEB', scene_info: scene });
        return { h5Url: r.mweb_url, prepayId: r.prepay_id };
      }
      case 'APP': {
        const r = await this.#v2.unifiedOrder({ ...common, trade_type: 'APP' });
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
    const tx = this.#v3.transactions;
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
        return { h5Url: (await tx.h5({ ...common, scene_info })).h5_url };
      }
      case 'APP':
        return { prepayId: (await tx.app(common)).prepay_id };
    }
  }

  async #queryV2(order: OrderRef): Promise<WechatTradeStatus> {
    return statusFromV2Query(await this.#v2For(order).orderQuery({ out_trade_no: order.orderNo }));
  }

  #v2For(order: OrderRef): V2Client {
    return order.payType === 'MINIPROGRAM' ? this.#v2MiniProgram : this.#v2;
  }

  async #queryV3(orderNo: string): Promise<WechatTradeStatus> {
    return statusFromV3Transaction(await this.#v3.transactions.queryByOutTradeNo(orderNo));
  }

  #verifyV2(rawBody: Buffer): VerifiedPayment {
    return paymentFromV2Notification(parseV2PaymentNotification(rawBody, this.#apiKey));
  }

  async #verifyV3(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<VerifiedPayment> {
    const n = await this.#v3.notifications.parse(headers, rawBody);
    if (n.event_type !== 'TRANSACTION.SUCCESS') {
      throw new DomainError('NOTIFICATION_REJECTED', `v3 ${n.event_type} is not a payment notification`, {
        reason: 'not-a-payment',
      });
    }
    return paymentFromV3Notification(n);
  }
}

function v3Verification(v: WechatMerchantConfig['verification']): V3Verification {
  return v.mode === 'public-key'
    ? { mode: 'public-key', publicKeyId: v.publicKeyId, publicKey: v.publicKeyPem }
    : { mode: 'certificates', pinned: v.pinnedPem };
}

function requireOpenid(order: Order): string {
  if (!order.openid)
    throw new DomainError('OPENID_REQUIRED', `${order.payType} orders need the payer's openid`);
  return order.openid;
}
