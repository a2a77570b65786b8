import { isPaidTradeState } from '@wechatpay-kit/sdk';
import type { SimClock } from './sim-clock.js';
import { SimError } from './sim-error.js';
import { newRefundId } from './sim-ids.js';
import type { ApiVersion, RefundRecord, RefundStatus } from './sim-records.js';
import type { Collection, StateStore } from './state-store.js';
import type { TaskScheduler } from './task-scheduler.js';
import type { TradeEngine, TradeRef } from './trade-engine.js';

export interface NewRefund {
  mchid: string;
  trade: TradeRef;
  outRefundNo: string;
  /** Must equal the order's total, as WeChat checks. */
  totalFen: number;
  refundFen: number;
  reason?: string;
  notifyUrl?: string;
  apiVersion: ApiVersion;
}

type SettledListener = (refund: RefundRecord) => void;

/**
 * Refunds: PROCESSING at once, then SUCCESS (or ABNORMAL / CLOSED when the control API asks) after
 * a settling delay on the simulated clock. The total of refunds that are not CLOSED never exceeds
 * what was paid; a retried `out_refund_no` returns the refund it already made.
 */
export class RefundEngine {
  readonly #refunds: Collection<RefundRecord>;
  readonly #trades: TradeEngine;
  readonly #clock: SimClock;
  readonly #scheduler: TaskScheduler;
  readonly #listeners: SettledListener[] = [];
  /** How long a refund stays PROCESSING (simulated ms). */
  settleDelayMs = 5_000;
  /** How the next refunds end, until changed. */
  nextOutcome: Exclude<RefundStatus, 'PROCESSING'> = 'SUCCESS';

  constructor(store: StateStore, trades: TradeEngine, clock: SimClock, scheduler: TaskScheduler) {
    this.#refunds = store.collection<RefundRecord>('refunds', (r) => refundKey(r.mchid, r.outRefundNo));
    this.#trades = trades;
    this.#clock = clock;
    this.#scheduler = scheduler;
  }

  onSettled(listener: SettledListener): void {
    this.#listeners.push(listener);
  }

  /** After a restart: refunds still PROCESSING settle when they would have. */
  resume(): void {
    for (const refund of this.#refunds.values()) {
      if (refund.status === 'PROCESSING') this.#scheduleSettle(refund);
    }
  }

  create(input: NewRefund): { refund: RefundRecord; created: boolean } {
    const trade = this.#trades.find(input.mchid, input.trade);
    if (!trade) throw new SimError('ORDER_NOT_EXIST', '订单不存在');
    const existing = this.#refunds.get(refundKey(input.mchid, input.outRefundNo));
    if (existing) {
      if (existing.outTradeNo !== trade.outTradeNo || existing.refundFen !== input.refundFen) {
        throw new SimError('REFUND_NO_USED', '商户退款单号已被使用，且参数与首次请求不一致');
      }
      return { refund: existing, created: false };
    }
    if (!isPaidTradeState(trade.state)) {
      throw new SimError('TRADE_STATE_ERROR', '订单未支付，不能退款');
    }
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0) {
      throw new SimError('REFUND_AMOUNT_INVALID', '退款金额必须为正整数（分）');
    }
    if (input.totalFen !== trade.totalFen) {
      throw new SimError(
        'REFUND_TOTAL_MISMATCH',
        `订单金额 ${input.totalFen} 分与原订单 ${trade.totalFen} 分不一致`,
      );
    }
    const left = trade.totalFen - trade.refundedFen;
    if (left <= 0) throw new SimError('ORDER_FULLY_REFUNDED', '订单已全额退款');
    if (input.refundFen > left) {
      throw new SimError(
        'REFUND_EXCEEDS_PAID',
        `申请退款金额 ${input.refundFen} 分超过订单可退金额 ${left} 分（已退 ${trade.refundedFen} / ${trade.totalFen} 分）`,
      );
    }
    const now = this.#clock.now();
    const refund: RefundRecord = {
      mchid: input.mchid,
      outRefundNo: input.outRefundNo,
      refundId: newRefundId(now),
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId!,
      apiVersion: input.apiVersion,
      totalFen: trade.totalFen,
      refundFen: input.refundFen,
      reason: input.reason,
      notifyUrl: input.notifyUrl,
      status: 'PROCESSING',
      createdAt: now,
      outcome: this.nextOutcome,
    };
    this.#trades.adjustRefunded(trade, input.refundFen);
    this.#refunds.set(refund);
    this.#scheduleSettle(refund);
    return { refund, created: true };
  }

  find(mchid: string, outRefundNo: string): RefundRecord | undefined {
    return this.#refunds.get(refundKey(mchid, outRefundNo));
  }

  /** Refunds of an order, oldest first (v2 `refundquery` numbers them `_0`, `_1`, …). */
  ofTrade(mchid: string, outTradeNo: string): RefundRecord[] {
    return [...this.#refunds.values()]
      .filter((r) => r.mchid === mchid && r.outTradeNo === outTradeNo)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  list(mchid?: string): RefundRecord[] {
    return [...this.#refunds.values()]
      .filter((r) => !mchid || r.mchid === mchid)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Ends a PROCESSING refund now (also used by the control API to force an outcome), or ends an
   * ABNORMAL one as SUCCESS / CLOSED — what happens at WeChat once the merchant re-routes the money
   * (or gives up) in the merchant platform.
   */
  settle(
    refund: RefundRecord,
    outcome = refund.outcome ?? 'SUCCESS',
    options: { silent?: boolean } = {},
  ): RefundRecord {
    const reRouted = refund.status === 'ABNORMAL' && outcome !== 'ABNORMAL';
    if (refund.status !== 'PROCESSING' && !reRouted) return refund;
    refund.status = outcome;
    if (options.silent) refund.silent = true;
    if (outcome === 'SUCCESS') refund.successAt = this.#clock.now();
    if (outcome === 'CLOSED') {
      const trade = this.#trades.find(refund.mchid, { outTradeNo: refund.outTradeNo });
      if (trade) this.#trades.adjustRefunded(trade, -refund.refundFen);
    }
    this.#refunds.touch();
    for (const listener of this.#listeners) listener(refund);
    return refund;
  }

  #scheduleSettle(refund: RefundRecord): void {
    this.#scheduler.at(refund.createdAt + this.settleDelayMs, () => this.settle(refund));
  }
}

function refundKey(mchid: string, outRefundNo: string): string {
  return `${mchid}:${outRefundNo}`;
}
