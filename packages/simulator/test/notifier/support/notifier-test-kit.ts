import type { ApiVersion, RefundRecord, TradeRecord } from '../../../src/engine/sim-records.js';
import type { RunningSimulator } from '../../../src/index.js';
import { NotificationDispatcher } from '../../../src/notifier/notification-dispatcher.js';
import type { NotificationRecord } from '../../../src/notifier/notification-log.js';

let sequence = 0;

/** A unique `out_trade_no` / `out_refund_no` for this run. */
export function uniqueNo(prefix: string): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence}`.slice(0, 32);
}

export function dispatcherOf(sim: RunningSimulator): NotificationDispatcher {
  const notifier = sim.ctx.notifier;
  if (!(notifier instanceof NotificationDispatcher)) throw new Error('the simulator runs another notifier');
  return notifier;
}

/** Polls until `probe` yields something truthy; bounded, so a lost callback fails the test instead of hanging. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves once at least `attempts` attempts were made and every one has its outcome recorded. */
export function answered(sim: RunningSimulator, id: string, attempts: number): Promise<NotificationRecord> {
  return waitFor(() => {
    const record = dispatcherOf(sim).get(id);
    const over = record?.attempts.filter((a) => a.durationMs !== undefined || a.error !== undefined) ?? [];
    return over.length >= attempts && over.length === record?.attempts.length ? record : undefined;
  }, `${attempts} answered attempt(s) of notification ${id}`);
}

export interface PayOptions {
  apiVersion: ApiVersion;
  notifyUrl: string;
  signType?: 'MD5' | 'HMAC-SHA256';
  totalFen?: number;
  attach?: string;
}

/** Creates an order for the demo merchant and has alice pay it, which is what makes WeChat notify. */
export function payTrade(sim: RunningSimulator, options: PayOptions): TradeRecord {
  const { trade } = sim.ctx.trades.create({
    mchid: sim.merchant.mchid,
    appid: sim.merchant.appid,
    apiVersion: options.apiVersion,
    tradeType: 'NATIVE',
    outTradeNo: uniqueNo('N'),
    description: '通知测试',
    totalFen: options.totalFen ?? 1234,
    notifyUrl: options.notifyUrl,
    signType: options.signType,
    attach: options.attach,
  });
  return sim.ctx.trades.pay(trade, 'alice');
}

/** The payment notification of an order (there is exactly one). */
export function paymentNotificationOf(sim: RunningSimulator, trade: TradeRecord): NotificationRecord {
  const [record, ...others] = dispatcherOf(sim).list({ outTradeNo: trade.outTradeNo, kind: 'payment' });
  if (!record || others.length > 0)
    throw new Error(`expected one payment notification for ${trade.outTradeNo}`);
  return record;
}

/** Refunds part of a paid order and lets the simulated clock run until it settles. */
export function refundAndSettle(
  sim: RunningSimulator,
  trade: TradeRecord,
  options: { apiVersion: ApiVersion; notifyUrl?: string; refundFen: number },
): RefundRecord {
  const { refund } = sim.ctx.refunds.create({
    mchid: trade.mchid,
    trade: { outTradeNo: trade.outTradeNo },
    outRefundNo: uniqueNo('R'),
    totalFen: trade.totalFen,
    refundFen: options.refundFen,
    notifyUrl: options.notifyUrl,
    apiVersion: options.apiVersion,
  });
  sim.ctx.clock.advance(sim.ctx.refunds.settleDelayMs + 1);
  return refund;
}

/** Moves the simulated clock to `simMs` (never backwards); what falls due runs before this returns. */
export function advanceTo(sim: RunningSimulator, simMs: number): void {
  const step = simMs - sim.ctx.clock.now();
  if (step > 0) sim.ctx.clock.advance(step);
}
