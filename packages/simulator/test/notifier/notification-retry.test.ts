import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_INTERVALS_MS } from '../../src/notifier/retry-schedule.js';
import { useNotifierSuite } from './support/notifier-suite.js';
import {
  advanceTo,
  answered,
  dispatcherOf,
  paymentNotificationOf,
  payTrade,
} from './support/notifier-test-kit.js';

const DAY = 24 * 3600_000;

describe('retries on WeChat’s schedule', () => {
  const suite = useNotifierSuite();

  it('schedule: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h, 24 h 4 min in all', () => {
    const minutes = RETRY_INTERVALS_MS.map((ms) => ms / 60_000);
    expect(minutes).toEqual([0.25, 0.25, 0.5, 3, 10, 20, 30, 30, 30, 60, 180, 180, 180, 360, 360]);
    expect(MAX_ATTEMPTS).toBe(16);
  });

  it('a v3 merchant answering 500 gets 16 attempts exactly on the schedule, each freshly signed, then none', async () => {
    suite.merchant.answer = 'http-500';
    const id = suite.notifiedPayment('v3').id;
    let record = await answered(suite.sim, id, 1);

    for (const [i, interval] of RETRY_INTERVALS_MS.entries()) {
      expect(record.status).toBe('pending');
      expect(record.nextAttemptAt).toBe(record.attempts[i]!.dueAt + interval);
      advanceTo(suite.sim, record.nextAttemptAt! - 1_000);
      expect(record.attempts).toHaveLength(i + 1);
      advanceTo(suite.sim, record.nextAttemptAt!);
      expect(record.attempts).toHaveLength(i + 2);
      record = await answered(suite.sim, id, i + 2);
    }

    expect(record.status).toBe('failed');
    expect(record.nextAttemptAt).toBeUndefined();
    const gaps = record.attempts.slice(1).map((a, i) => a.dueAt - record.attempts[i]!.dueAt);
    expect(gaps).toEqual([...RETRY_INTERVALS_MS]);
    expect(record.attempts.at(-1)!.dueAt - record.attempts[0]!.dueAt).toBe(DAY + 4 * 60_000);
    for (const attempt of record.attempts) {
      expect(attempt.at).toBeGreaterThanOrEqual(attempt.dueAt);
      expect(attempt).toMatchObject({ acked: false, httpStatus: 500 });
      expect(attempt.error).toMatch(/HTTP 500/);
    }

    expect(suite.merchant.received).toHaveLength(16);
    expect(suite.merchant.received.filter((c) => c.rejected)).toEqual([]);
    expect(new Set(suite.merchant.received.map((c) => c.body.toString())).size).toBe(1);
    expect(new Set(suite.merchant.received.map((c) => c.headers['wechatpay-nonce'])).size).toBe(16);

    suite.sim.ctx.clock.advance(DAY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(record.attempts).toHaveLength(16);
    expect(suite.merchant.received).toHaveLength(16);
  });

  it.each([
    ['a plain-text "success"', 'wrong-body', /not v2 XML/],
    ['return_code FAIL', 'return-fail', /return_code is "FAIL"/],
    ['HTTP 500', 'http-500', /HTTP 500/],
  ] as const)(
    'v2: %s is not an ACK; the next attempt that is ACKed ends the retries',
    async (_, answer, why) => {
      suite.merchant.answer = answer;
      const id = suite.notifiedPayment('v2').id;
      let record = await answered(suite.sim, id, 1);
      expect(record.attempts[0]).toMatchObject({ acked: false });
      expect(record.attempts[0]!.error).toMatch(why);

      suite.merchant.answer = 'ack';
      advanceTo(suite.sim, record.nextAttemptAt!);
      record = await answered(suite.sim, id, 2);
      expect(record.status).toBe('delivered');
      expect(record.deliveredAt).toBeGreaterThanOrEqual(record.attempts[1]!.at);
      expect(record.nextAttemptAt).toBeUndefined();

      suite.sim.ctx.clock.advance(DAY);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(record.attempts).toHaveLength(2);
      expect(suite.merchant.received).toHaveLength(2);
    },
  );

  it('a merchant that is down (connection refused) is retried and reached once it is back', async () => {
    const url = suite.merchant.url('/v3');
    await suite.merchant.down();
    const id = paymentNotificationOf(suite.sim, payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: url })).id;
    let record = await answered(suite.sim, id, 1);
    expect(record.attempts[0]!.error).toMatch(/ECONNREFUSED/);
    expect(record.attempts[0]!.httpStatus).toBeUndefined();

    await suite.merchant.up();
    advanceTo(suite.sim, record.nextAttemptAt!);
    record = await answered(suite.sim, id, 2);
    expect(record.status).toBe('delivered');
    expect(suite.merchant.received).toHaveLength(1);
    expect(suite.merchant.received[0]!.rejected).toBeUndefined();
  });

  it('a merchant that does not answer in time counts as a failure', async () => {
    const dispatcher = dispatcherOf(suite.sim);
    dispatcher.timeoutMs = 200;
    try {
      suite.merchant.answer = 'hang';
      const id = suite.notifiedPayment('v2').id;
      const record = await answered(suite.sim, id, 1);
      expect(record.attempts[0]!.error).toMatch(/no answer within 200 ms/);
      expect(record.status).toBe('pending');
      expect(record.nextAttemptAt).toBe(record.attempts[0]!.dueAt + 15_000);
    } finally {
      dispatcher.timeoutMs = 5_000;
    }
  });

  it('a v3 merchant answering 200 with any body has acknowledged', async () => {
    suite.merchant.answer = 'wrong-body';
    const id = suite.notifiedPayment('v3').id;
    const record = await answered(suite.sim, id, 1);
    expect(record.status).toBe('delivered');
    expect(record.attempts[0]).toMatchObject({ acked: true, httpStatus: 200, responseBody: 'success' });
  });
});
