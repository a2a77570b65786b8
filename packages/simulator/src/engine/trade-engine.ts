import { createHash } from 'node:crypto';
import { isPaidTradeState } from '@wechatpay-kit/sdk';
import type { SimClock } from './sim-clock.js';
import { SimError } from './sim-error.js';
import { newCodeUrl, newH5Package, newPrepayId, newTransactionId } from './sim-ids.js';
import type { ApiVersion, TradeRecord, TradeState, TradeType } from './sim-records.js';
import type { Collection, StateStore } from './state-store.js';
import type { UserDirectory } from './user-directory.js';

/** `code_url` and `prepay_id` live 2 hours, and so does an order without `time_expire`. */
export const PREPAY_LIFETIME_MS = 2 * 3600_000;

export interface NewTrade {
  mchid: string;
  appid: string;
  apiVersion: ApiVersion;
  tradeType: TradeType;
  outTradeNo: string;
  description: string;
  attach?: string;
  totalFen: number;
  currency?: string;
  notifyUrl: string;
  openid?: string;
  productId?: string;
  clientIp?: string;
  /** Epoch ms; unpaid after it the order can no longer be paid. */
  timeExpire?: number;
  signType?: 'MD5' | 'HMAC-SHA256';
  /** MICROPAY: whose payment code it is, and the merchant's terminal. */
  payerUserId?: string;
  deviceId?: string;
}

export type TradeRef = { outTradeNo: string } | { transactionId: string };

const STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '未支付',
  USERPAYING: '用户支付中',
  SUCCESS: '支付成功',
  CLOSED: '已关闭',
  REFUND: '转入退款',
  PAYERROR: '支付失败',
  REVOKED: '已撤销',
};

type PaidListener = (trade: TradeRecord) => void;

/**
 * Orders and their WeChat trade states. Protocol-neutral: the v2 and v3 routes, the phone page and
 * the control API all drive the same transitions, so an order made with v2 can be paid from the
 * phone page and queried with either API.
 */
export class TradeEngine {
  readonly #trades: Collection<TradeRecord>;
  readonly #byTransactionId = new Map<string, TradeRecord>();
  readonly #byPrepayId = new Map<string, TradeRecord>();
  readonly #byCodeUrl = new Map<string, TradeRecord>();
  readonly #clock: SimClock;
  readonly #users: UserDirectory;
  readonly #paidListeners: PaidListener[] = [];

  constructor(store: StateStore, clock: SimClock, users: UserDirectory) {
    this.#trades = store.collection<TradeRecord>('trades', (t) => tradeKey(t.mchid, t.outTradeNo));
    this.#clock = clock;
    this.#users = users;
  }

  /** Rebuilds the lookup indexes after the store was loaded. */
  reindex(): void {
    for (const trade of this.#trades.values()) this.#index(trade);
  }

  onPaid(listener: PaidListener): void {
    this.#paidListeners.push(listener);
  }

  /**
   * Creates an order, or returns the existing one when the same `out_trade_no` is submitted again
   * with the same parameters (WeChat answers the same prepay). Other parameters → OUT_TRADE_NO_USED;
   * an order already paid or closed → ORDER_PAID / ORDER_CLOSED.
   */
  create(input: NewTrade): { trade: TradeRecord; created: boolean } {
    const fingerprint = fingerprintOf(input);
    const existing = this.#trades.get(tradeKey(input.mchid, input.outTradeNo));
    if (existing) {
      this.#refresh(existing);
      if (isPaidTradeState(existing.state)) {
        throw new SimError('ORDER_PAID', '该订单已支付');
      }
      if (existing.state === 'CLOSED' || existing.state === 'REVOKED') {
        throw new SimError('ORDER_CLOSED', '该订单已关闭');
      }
      if (existing.fingerprint !== fingerprint) {
        throw new SimError('OUT_TRADE_NO_USED', '商户订单号重复，且参数与首次请求不一致');
      }
      return { trade: existing, created: false };
    }
    const now = this.#clock.now();
    const prepayId = newPrepayId(now);
    const trade: TradeRecord = {
      mchid: input.mchid,
      appid: input.appid,
      outTradeNo: input.outTradeNo,
      apiVersion: input.apiVersion,
      tradeType: input.tradeType,
      description: input.description,
      attach: input.attach,
      totalFen: input.totalFen,
      currency: input.currency ?? 'CNY',
      notifyUrl: input.notifyUrl,
      openid: input.openid,
      productId: input.productId,
      clientIp: input.clientIp,
      ...(input.payerUserId ? { payerUserId: input.payerUserId } : {}),
      ...(input.deviceId ? { deviceId: input.deviceId } : {}),
      fingerprint,
      signType: input.signType,
      prepayId,
      codeUrl: input.tradeType === 'NATIVE' ? newCodeUrl() : undefined,
      h5Package: input.tradeType === 'MWEB' ? newH5Package() : undefined,
      createdAt: now,
      expiresAt: input.timeExpire ?? now + PREPAY_LIFETIME_MS,
      state: 'NOTPAY',
      stateDesc: STATE_DESC.NOTPAY,
      refundedFen: 0,
    };
    this.#trades.set(trade);
    this.#index(trade);
    return { trade, created: true };
  }

  find(mchid: string, ref: TradeRef): TradeRecord | undefined {
    const trade =
      'outTradeNo' in ref
        ? this.#trades.get(tradeKey(mchid, ref.outTradeNo))
        : this.#byTransactionId.get(ref.transactionId);
    return trade && trade.mchid === mchid ? this.#refresh(trade) : undefined;
  }

  /** Finds an order by `code_url`, `prepay_id`, `transaction_id` or `out_trade_no` (phone page, CLI). */
  lookup(reference: string): TradeRecord | undefined {
    const trade =
      this.#byCodeUrl.get(reference) ??
      this.#byPrepayId.get(reference) ??
      this.#byTransactionId.get(reference) ??
      [...this.#trades.values()].find((t) => t.outTradeNo === reference);
    return trade && this.#refresh(trade);
  }

  list(filter: { mchid?: string; state?: TradeState } = {}): TradeRecord[] {
    return [...this.#trades.values()]
      .filter(
        (t) => (!filter.mchid || t.mchid === filter.mchid) && (!filter.state || t.state === filter.state),
      )
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * The order as a query or close may see it: a trade staged as lost answers every such call with
   * WeChat's busy signal, so the merchant can learn of the payment from the bill alone.
   */
  reachable(trade: TradeRecord): TradeRecord {
    if (trade.lost) {
      throw new SimError(
        'SYSTEM_ERROR',
        `order ${trade.outTradeNo} is staged as lost: only the bill lists it`,
      );
    }
    return trade;
  }

  /** Closes an unpaid order. Paid → ORDER_PAID; closing a closed order again is harmless. */
  close(mchid: string, outTradeNo: string): TradeRecord {
    const trade = this.find(mchid, { outTradeNo });
    if (!trade) throw new SimError('ORDER_NOT_EXIST', '订单不存在');
    if (isPaidTradeState(trade.state)) throw new SimError('ORDER_PAID', '订单已支付');
    if (trade.state !== 'CLOSED') this.#transition(trade, 'CLOSED', { closedAt: this.#clock.now() });
    return trade;
  }

  /**
   * The user confirms payment on the phone. Refused when the order is closed, expired, paid, meant
   * for another payer (JSAPI), or above the user's balance — the order then stays unpaid, as when a
   * real payment is declined in the app.
   */
  pay(trade: TradeRecord, userId: string, options: { lost?: boolean } = {}): TradeRecord {
    this.#refresh(trade);
    if (isPaidTradeState(trade.state)) throw new SimError('ORDER_PAID', '订单已支付');
    if (trade.state === 'CLOSED' || trade.state === 'REVOKED')
      throw new SimError('ORDER_CLOSED', '订单已关闭');
    if (this.#clock.now() >= trade.expiresAt) throw new SimError('ORDER_EXPIRED', '订单已过期');
    const user = this.#users.get(userId);
    if (!user) throw new SimError('PARAM_ERROR', `没有模拟用户 ${userId}`);
    const openid = this.#users.openid(userId, trade.appid);
    if (trade.openid && trade.openid !== openid) {
      throw new SimError('OPENID_MISMATCH', '该订单属于其他微信用户');
    }
    if (!this.#users.charge(userId, trade.totalFen)) throw new SimError('NOT_ENOUGH', '用户余额不足');
    const now = this.#clock.now();
    this.#transition(trade, 'SUCCESS', {
      transactionId: newTransactionId(now),
      payerOpenid: openid,
      bankType: 'OTHERS',
      paidAt: now,
      ...(options.lost ? { lost: true } : {}),
    });
    this.#byTransactionId.set(trade.transactionId!, trade);
    for (const listener of this.#paidListeners) listener(trade);
    return trade;
  }

  /** The bank declined or the payer gave up (`PAYERROR`, WeChat's reason as `desc`); never notified. */
  failPayment(trade: TradeRecord, desc?: string): TradeRecord {
    this.#refresh(trade);
    if (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING') {
      throw new SimError('TRADE_STATE_ERROR', `订单状态为 ${trade.state}，不能置为支付失败`);
    }
    this.#transition(trade, 'PAYERROR', desc ? { stateDesc: desc } : {});
    return trade;
  }

  /** A payment-code order reversed (撤销): `REVOKED` for good, whatever it was. */
  revoke(trade: TradeRecord): TradeRecord {
    if (trade.state !== 'REVOKED') this.#transition(trade, 'REVOKED', { reversedAt: this.#clock.now() });
    return trade;
  }

  /** A wrong PIN typed on the phone while a payment code waits for the password. */
  countWrongPassword(trade: TradeRecord): number {
    trade.wrongPasswords = (trade.wrongPasswords ?? 0) + 1;
    this.#trades.touch();
    return trade.wrongPasswords;
  }

  /** The user opened the payment sheet and is entering the password (`USERPAYING`). */
  startPaying(trade: TradeRecord): TradeRecord {
    this.#refresh(trade);
    if (trade.state === 'NOTPAY') this.#transition(trade, 'USERPAYING', {});
    return trade;
  }

  /** The user backed out: an order in USERPAYING returns to NOTPAY. */
  cancelPaying(trade: TradeRecord): TradeRecord {
    if (trade.state === 'USERPAYING') this.#transition(trade, 'NOTPAY', {});
    return trade;
  }

  /** Bookkeeping for the refund engine: money reserved or released on a paid order. */
  adjustRefunded(trade: TradeRecord, deltaFen: number): void {
    trade.refundedFen += deltaFen;
    if (trade.state === 'SUCCESS' && trade.refundedFen > 0) this.#transition(trade, 'REFUND', {});
    else this.#trades.touch();
  }

  #transition(trade: TradeRecord, state: TradeState, changes: Partial<TradeRecord>): void {
    Object.assign(trade, { state, stateDesc: STATE_DESC[state] }, changes);
    this.#trades.touch();
  }

  /** Lifetimes are checked on look-up (simulated clock); a payment code's unanswered PIN fails it. */
  #refresh(trade: TradeRecord): TradeRecord {
    if (trade.state === 'USERPAYING' && this.#clock.now() >= trade.expiresAt) {
      if (trade.tradeType !== 'MICROPAY') this.#transition(trade, 'NOTPAY', {});
      else this.#transition(trade, 'PAYERROR', { stateDesc: '用户支付超时' });
    }
    return trade;
  }

  #index(trade: TradeRecord): void {
    this.#byPrepayId.set(trade.prepayId, trade);
    if (trade.codeUrl) this.#byCodeUrl.set(trade.codeUrl, trade);
    if (trade.transactionId) this.#byTransactionId.set(trade.transactionId, trade);
  }
}

function tradeKey(mchid: string, outTradeNo: string): string {
  return `${mchid}:${outTradeNo}`;
}

/** What must not change when an `out_trade_no` is submitted again. */
function fingerprintOf(input: NewTrade): string {
  const significant = [
    input.appid,
    input.tradeType,
    input.totalFen,
    input.currency ?? 'CNY',
    input.description,
    input.openid ?? '',
    input.productId ?? '',
    input.apiVersion,
  ];
  return createHash('sha1').update(JSON.stringify(significant)).digest('hex');
}
