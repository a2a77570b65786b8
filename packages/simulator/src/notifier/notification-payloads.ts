import type { V3NotificationEventType, V3Transaction } from '@wechatpay-kit/sdk';
import {
  buildV2PaymentNotification,
  buildV2RefundNotification,
  buildV3Notification,
  signV3Response,
} from '@wechatpay-kit/sdk/testing';
import type { MerchantRegistry } from '../engine/merchant-registry.js';
import type { SimClock } from '../engine/sim-clock.js';
import type { RefundRecord, RefundStatus, TradeRecord } from '../engine/sim-records.js';
import type { TradeEngine } from '../engine/trade-engine.js';
import { V2_REFUND_STATUS } from '../wire/v2-refund-status.js';
import { v3RefundNotificationView } from '../wire/v3-refund-notification-view.js';
import { REFUND_RECEIVED_ACCOUNT } from '../wire/v3-refund-view.js';
import { v3TransactionView } from '../wire/v3-transaction-view.js';
import type { NotificationRecord } from './notification-log.js';

/** What building a callback reads: merchants' keys, the order a refund belongs to, the simulated time. */
export interface PayloadDeps {
  clock: SimClock;
  merchants: MerchantRegistry;
  trades: TradeEngine;
}

/** A notification ready to be logged and sent: the log's record before any delivery. */
export type NotificationDraft = Pick<
  NotificationRecord,
  | 'id'
  | 'kind'
  | 'apiVersion'
  | 'mchid'
  | 'outTradeNo'
  | 'outRefundNo'
  | 'transactionId'
  | 'url'
  | 'body'
  | 'headers'
> & { event: V3NotificationEventType };

/** What WeChat's callback requests carry besides the body's own headers (as seen in captured traffic). */
const WECHAT_HEADERS = { 'User-Agent': 'Mozilla/4.0', Accept: '*/*', Pragma: 'no-cache' };
const V2_HEADERS = { ...WECHAT_HEADERS, 'Content-Type': 'text/xml' };

const REFUND_EVENTS: Record<Exclude<RefundStatus, 'PROCESSING'>, V3NotificationEventType> = {
  SUCCESS: 'REFUND.SUCCESS',
  ABNORMAL: 'REFUND.ABNORMAL',
  CLOSED: 'REFUND.CLOSED',
};
/** A first send may reuse the signature made with the body when it is no older than this. */
const FRESH_SIGNATURE_S = 60;

/**
 * Builds callbacks byte for byte as WeChat Pay sends them, with the SDK's builders and the
 * merchant's real keys: v2 XML signed with the API key (payment) or with `req_info` encrypted under
 * it (refund), v3 JSON with the resource encrypted under the APIv3 key and signed with the key the
 * merchant's signing mode names. Business times come from the simulated clock; signatures (`Wechatpay-Timestamp`) from real time.
 */
export class NotificationPayloads {
  readonly #ctx: PayloadDeps;

  constructor(ctx: PayloadDeps) {
    this.#ctx = ctx;
  }

  payment(trade: TradeRecord, id: string): NotificationDraft {
    const merchant = this.#merchant(trade.mchid);
    const paidAt = trade.paidAt ?? this.#ctx.clock.now();
    const base = {
      id,
      kind: 'payment' as const,
      apiVersion: trade.apiVersion,
      event: 'TRANSACTION.SUCCESS' as const,
      mchid: trade.mchid,
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId,
      url: trade.notifyUrl,
    };
    if (trade.apiVersion === 'v2') {
      const body = buildV2PaymentNotification(
        {
          appid: trade.appid,
          mch_id: trade.mchid,
          openid: trade.payerOpenid ?? '',
          is_subscribe: 'N',
          trade_type: trade.tradeType,
          bank_type: trade.bankType ?? 'OTHERS',
          total_fee: trade.totalFen,
          fee_type: trade.currency,
          cash_fee: trade.totalFen,
          transaction_id: trade.transactionId ?? '',
          out_trade_no: trade.outTradeNo,
          attach: trade.attach,
        },
        merchant.apiKey,
        trade.signType ?? 'MD5',
        paidAt,
      );
      return { ...base, body, headers: { ...V2_HEADERS } };
    }
    // The query view of the order, so a callback and a later query tell the merchant the same thing.
    const resource = v3TransactionView(trade) as V3Transaction;
    return { ...base, ...this.#v3(trade.mchid, id, 'TRANSACTION.SUCCESS', resource) };
  }

  /** `undefined` when the refund was asked for without a `notify_url` (WeChat then has nowhere to call). */
  refund(refund: RefundRecord, id: string): NotificationDraft | undefined {
    if (!refund.notifyUrl || refund.status === 'PROCESSING') return undefined;
    const merchant = this.#merchant(refund.mchid);
    const trade = this.#ctx.trades.find(refund.mchid, { outTradeNo: refund.outTradeNo });
    if (!trade) throw new Error(`refund ${refund.outRefundNo} names unknown order ${refund.outTradeNo}`);
    const succeeded = refund.status === 'SUCCESS';
    const successAt = refund.successAt ?? this.#ctx.clock.now();
    const event = REFUND_EVENTS[refund.status];
    const base = {
      id,
      kind: 'refund' as const,
      apiVersion: refund.apiVersion,
      event,
      mchid: refund.mchid,
      outTradeNo: refund.outTradeNo,
      outRefundNo: refund.outRefundNo,
      transactionId: refund.transactionId,
      url: refund.notifyUrl,
    };
    if (refund.apiVersion === 'v2') {
      const body = buildV2RefundNotification(
        {
          transaction_id: refund.transactionId,
          out_trade_no: refund.outTradeNo,
          refund_id: refund.refundId,
          out_refund_no: refund.outRefundNo,
          total_fee: refund.totalFen,
          refund_fee: refund.refundFen,
          settlement_refund_fee: refund.refundFen,
          refund_status: V2_REFUND_STATUS[refund.status],
          // the builder stamps success_time from `successAt`; only a successful refund has one
          ...(succeeded ? {} : { success_time: undefined }),
          refund_recv_accout: REFUND_RECEIVED_ACCOUNT,
        },
        merchant.apiKey,
        { appid: trade.appid, mch_id: refund.mchid },
        successAt,
      );
      return { ...base, body, headers: { ...V2_HEADERS } };
    }
    return { ...base, ...this.#v3(refund.mchid, id, event, v3RefundNotificationView(refund, successAt)) };
  }

  /**
   * The headers to send a logged notification with. v3 retries are signed afresh, with a new
   * timestamp and nonce: merchants reject timestamps 5 minutes old and may refuse a nonce seen
   * before, so reusing the first signature would make every late retry fail. The first send reuses
   * the signature made with the body (one RSA operation per notification, not two) unless a fault
   * held it back for long. v2 bodies carry their own sign and always go unchanged.
   */
  headersFor(record: NotificationRecord, firstSend: boolean): Record<string, string> {
    if (record.apiVersion === 'v2') return record.headers;
    const now = Date.now();
    const signedAt = Number(record.headers['Wechatpay-Timestamp'] ?? 0);
    if (firstSend && Math.abs(now / 1000 - signedAt) < FRESH_SIGNATURE_S) return record.headers;
    const signer = this.#ctx.merchants.keys(record.mchid).v3Signing;
    return { ...record.headers, ...signV3Response(record.body, { ...signer, now: () => now }) };
  }

  #v3<E extends V3NotificationEventType>(
    mchid: string,
    id: string,
    event: E,
    resource: Parameters<typeof buildV3Notification<E>>[0]['resource'],
  ): { body: string; headers: Record<string, string> } {
    const merchant = this.#merchant(mchid);
    const built = buildV3Notification({
      event_type: event,
      resource,
      apiV3Key: merchant.apiV3Key,
      signer: this.#ctx.merchants.keys(mchid).v3Signing,
      now: () => this.#ctx.clock.now(),
      signedAt: Date.now,
      id,
    });
    return { body: built.body, headers: { ...WECHAT_HEADERS, ...built.headers } };
  }

  #merchant(mchid: string) {
    const merchant = this.#ctx.merchants.get(mchid);
    if (!merchant) throw new Error(`unknown merchant ${mchid}`);
    return merchant;
  }
}
