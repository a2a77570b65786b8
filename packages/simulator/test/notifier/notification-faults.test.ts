import type { V3Notification } from '@wechatpay-kit/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useNotifierSuite } from './support/notifier-suite.js';
import {
  advanceTo,
  answered,
  paymentNotificationOf,
  payTrade,
  waitFor,
} from './support/notifier-test-kit.js';

describe('notification fault injection', () => {
  const suite = useNotifierSuite();
  beforeEach(() => {
    suite.sim.ctx.faults.random = () => 0; // every probability above 0 becomes a certainty
  });
  afterEach(() => {
    suite.sim.ctx.faults.reset();
    suite.sim.ctx.faults.random = Math.random;
  });

  it('drop: the first attempt is logged as dropped, never sent, and the retry 15 s later arrives', async () => {
    suite.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    const record = suite.notifiedPayment('v3');
    expect(record.attempts).toEqual([expect.objectContaining({ fault: 'dropped', acked: false })]);
    expect(record.nextAttemptAt).toBe(record.attempts[0]!.dueAt + 15_000);

    suite.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
    advanceTo(suite.sim, record.nextAttemptAt!);
    await answered(suite.sim, record.id, 2);
    expect(record.status).toBe('delivered');
    expect(suite.merchant.received).toHaveLength(1);
    expect(suite.merchant.received[0]!.rejected).toBeUndefined();
  });

  it('duplicate: the merchant receives the same request twice, back to back', async () => {
    suite.sim.ctx.faults.setNotifyFaults({ duplicateProbability: 1 });
    const record = suite.notifiedPayment('v3');
    await waitFor(() => suite.merchant.received.length === 2, 'two copies');
    await answered(suite.sim, record.id, 2);

    const [first, second] = suite.merchant.received;
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['wechatpay-signature']).toBe(first!.headers['wechatpay-signature']);
    expect(record.attempts.map((a) => a.fault)).toEqual([undefined, 'duplicated']);
    expect(record.status).toBe('delivered');
  });

  it('delay: the attempt is held for delayMs of simulated time, then sent', async () => {
    suite.sim.ctx.faults.setNotifyFaults({ delayProbability: 1, delayMs: 60_000 });
    const record = suite.notifiedPayment('v2');
    expect(record.attempts).toHaveLength(0);

    advanceTo(suite.sim, record.createdAt + 60_000);
    await answered(suite.sim, record.id, 1);
    expect(record.attempts[0]).toMatchObject({ fault: 'delayed', acked: true, dueAt: record.createdAt });
    expect(record.attempts[0]!.at - record.attempts[0]!.dueAt).toBeGreaterThanOrEqual(60_000);
    expect(suite.merchant.received).toHaveLength(1);
    expect(suite.merchant.received[0]!.rejected).toBeUndefined();
  });

  it('reorder: two payments inside the window arrive newest first', async () => {
    suite.sim.ctx.faults.setNotifyFaults({ reorder: true, reorderWindowMs: 60_000 });
    const older = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    const newer = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    const records = [paymentNotificationOf(suite.sim, older), paymentNotificationOf(suite.sim, newer)];
    expect(records.map((r) => r.attempts.length)).toEqual([0, 0]);

    suite.sim.ctx.clock.advance(60_000);
    await Promise.all(records.map((r) => answered(suite.sim, r.id, 1)));
    const arrived = suite.merchant.received.map((c) => (c.parsed as V3Notification).resource);
    expect(arrived.map((r) => (r as { out_trade_no: string }).out_trade_no)).toEqual([
      newer.outTradeNo,
      older.outTradeNo,
    ]);
    expect(records.map((r) => r.attempts[0]!.fault)).toEqual(['reordered', 'reordered']);
    expect(records.map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });
});
