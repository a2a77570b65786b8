import { isPaidTradeState } from '@wechatpay-kit/sdk';
import type { PaymentCodeBook } from './payment-code-book.js';
import type { SimClock } from './sim-clock.js';
import { SimError } from './sim-error.js';
import type { ApiVersion, TradeRecord } from './sim-records.js';
import type { TradeEngine, TradeRef } from './trade-engine.js';
import type { UserDirectory } from './user-directory.js';

/** WeChat's rule: a payment code above ¥1,000 asks for the password. */
export const PASSWORD_FREE_LIMIT_FEN = 100_000;

/** How long the phone's password sheet waits before the payment fails (`PAYERROR`). */
export const PASSWORD_WINDOW_MS = 5 * 60_000;

/** WeChat reverses payment-code orders for 7 days (`REVERSE_EXPIRE` after). */
export const REVERSE_WINDOW_MS = 7 * 24 * 3600_000;

/** Three wrong PINs and WeChat gives up on the payment. */
const MAX_WRONG_PASSWORDS = 3;

export interface CodeCharge {
  mchid: string;
  appid: string;
  apiVersion: ApiVersion;
  outTradeNo: string;
  description: string;
  attach?: string;
  totalFen: number;
  currency?: string;
  clientIp?: string;
  deviceId?: string;
  signType?: 'MD5' | 'HMAC-SHA256';
  /** As scanned; checked here the way WeChat checks it. */
  authCode: string;
}

export type PasswordAction = 'pay' | 'cancel' | 'wrong';

/**
 * Payment-code (付款码) payments: the merchant scans the customer's code and WeChat answers at
 * once — paid, refused, or `USERPAYING` while the customer types the password on the phone. No
 * notification is ever sent for them (the server's paid listener skips MICROPAY). Reversal (撤销)
 * gives a paid order's money back and closes an unpaid one; both end `REVOKED`.
 */
export class CodePaymentEngine {
  readonly #trades: TradeEngine;
  readonly #codes: PaymentCodeBook;
  readonly #users: UserDirectory;
  readonly #clock: SimClock;

  constructor(trades: TradeEngine, codes: PaymentCodeBook, users: UserDirectory, clock: SimClock) {
    this.#trades = trades;
    this.#codes = codes;
    this.#users = users;
    this.#clock = clock;
  }

  /**
   * Pays an order with a scanned code. The same `out_trade_no` again is answered from the order
   * (paid, reversed, still paying) before the new code is looked at, so a retried call never
   * spends a second code; an order that failed must be charged again under a new number.
   */
  charge(input: CodeCharge): TradeRecord {
    const existing = this.#trades.find(input.mchid, { outTradeNo: input.outTradeNo });
    if (existing) this.#answerExisting(existing, input);
    checkCodeShape(input.authCode);
    const redeemed = this.#codes.redeem(input.authCode);
    if ('refusal' in redeemed) {
      throw redeemed.refusal === 'AUTHCODEEXPIRE'
        ? new SimError('AUTHCODEEXPIRE', '付款码已过期，请顾客刷新付款码后重新扫码')
        : new SimError('AUTH_CODE_INVALID', '101 每个付款码仅限使用一次，请顾客刷新后再试');
    }
    const userId = redeemed.userId;
    const { trade } = this.#trades.create({
      ...input,
      tradeType: 'MICROPAY',
      notifyUrl: '',
      payerUserId: userId,
      timeExpire: this.#clock.now() + PASSWORD_WINDOW_MS,
    });
    const user = this.#users.get(userId);
    if (user && input.totalFen > (user.passwordFreeFen ?? PASSWORD_FREE_LIMIT_FEN)) {
      this.#trades.startPaying(trade);
      throw new SimError('USERPAYING', '需要用户输入支付密码');
    }
    return this.#pay(trade, userId);
  }

  /** Orders waiting for this user's password, newest first (what the phone's sheet shows). */
  awaitingPassword(userId: string): TradeRecord[] {
    return this.#trades
      .list({ state: 'USERPAYING' })
      .filter((t) => t.tradeType === 'MICROPAY' && t.payerUserId === userId)
      .filter((t) => this.#trades.find(t.mchid, { outTradeNo: t.outTradeNo })?.state === 'USERPAYING');
  }

  /** The customer on the phone: confirms with the PIN, gives up, or mistypes it. */
  answerPassword(trade: TradeRecord, action: PasswordAction): TradeRecord {
    const current = this.#trades.find(trade.mchid, { outTradeNo: trade.outTradeNo });
    if (current?.tradeType !== 'MICROPAY' || current.state !== 'USERPAYING') {
      throw new SimError(
        'TRADE_STATE_ERROR',
        `订单 ${trade.outTradeNo} 没有在等待输入密码（${current?.state ?? '不存在'}）`,
      );
    }
    if (action === 'cancel') return this.#trades.failPayment(current, '用户取消支付');
    if (action === 'wrong') {
      if (this.#trades.countWrongPassword(current) >= MAX_WRONG_PASSWORDS) {
        return this.#trades.failPayment(current, '支付密码错误次数过多');
      }
      return current;
    }
    return this.#pay(current, current.payerUserId!);
  }

  /**
   * Reverses a payment-code order: a paid one is refunded in full to the payer, anything else
   * closed; `REVOKED` either way, and a second reverse of it succeeds again. Refused for other
   * trade types, for orders partly refunded, and after 7 days.
   */
  reverse(mchid: string, ref: TradeRef): TradeRecord {
    const trade = this.#trades.find(mchid, ref);
    if (!trade) throw new SimError('ORDER_NOT_EXIST', '订单不存在');
    this.#trades.reachable(trade);
    if (trade.tradeType !== 'MICROPAY') {
      throw new SimError('REVERSE_REFUSED', '只有付款码支付的订单可以撤销，其他订单请关单或退款');
    }
    if (trade.state === 'REVOKED') return trade;
    if (this.#clock.now() - trade.createdAt > REVERSE_WINDOW_MS) {
      throw new SimError('REVERSE_EXPIRE', '订单已超过撤销期限（7天），请使用退款');
    }
    if (trade.refundedFen > 0) {
      throw new SimError('REVERSE_REFUSED', '订单已发生退款，不能撤销，请继续使用退款');
    }
    if (isPaidTradeState(trade.state) && trade.payerUserId) {
      this.#users.credit(trade.payerUserId, trade.totalFen);
    }
    return this.#trades.revoke(trade);
  }

  #answerExisting(trade: TradeRecord, input: CodeCharge): void {
    if (trade.tradeType !== 'MICROPAY') {
      throw new SimError('OUT_TRADE_NO_USED', '商户订单号重复，且不是付款码支付订单');
    }
    if (isPaidTradeState(trade.state)) throw new SimError('ORDER_PAID', '该订单已支付');
    if (trade.state === 'REVOKED') throw new SimError('ORDER_REVERSED', '订单已撤销');
    if (trade.state === 'CLOSED') throw new SimError('ORDER_CLOSED', '订单已关闭');
    if (trade.state === 'PAYERROR') {
      throw new SimError('OUT_TRADE_NO_USED', '该订单支付失败，请使用新的商户订单号重新收款');
    }
    if (trade.totalFen !== input.totalFen || trade.description !== input.description) {
      throw new SimError('OUT_TRADE_NO_USED', '商户订单号重复，且参数与首次请求不一致');
    }
    if (trade.state === 'USERPAYING') throw new SimError('USERPAYING', '需要用户输入支付密码');
  }

  #pay(trade: TradeRecord, userId: string): TradeRecord {
    try {
      return this.#trades.pay(trade, userId);
    } catch (error) {
      if (error instanceof SimError && error.code === 'NOT_ENOUGH') {
        this.#trades.failPayment(trade, '余额不足');
      }
      throw error;
    }
  }
}

/** WeChat's payment codes: 18 digits starting 10–15 (Alipay's start 25–30, UnionPay's 62). */
function checkCodeShape(authCode: string): void {
  if (!/^\d{18}$/.test(authCode)) {
    throw new SimError('AUTH_CODE_ERROR', `auth_code must be 18 digits (got ${authCode.length} characters)`);
  }
  if (!/^1[0-5]/.test(authCode)) {
    throw new SimError('AUTH_CODE_INVALID', '请扫描微信支付付款码(以10/11/12/13/14/15为前缀的18位数字)');
  }
}
