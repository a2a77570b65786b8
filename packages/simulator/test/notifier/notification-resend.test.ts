import { describe, expect, it } from 'vitest';
import { useNotifierSuite } from './support/notifier-suite.js';
import { advanceTo, answered, dispatcherOf, waitFor } from './support/notifier-test-kit.js';

describe('resend from the notification log', () => {
  const suite = useNotifierSuite();

  it('a failed notification: the clock runs through all 16 attempts, a resend re-arms the schedule', async () => {
    suite.merchant.answer = 'http-500';
    const id = suite.notifiedPayment('v3').id;
    await answered(suite.sim, id, 1);
    suite.sim.ctx.clock.advance(25 * 3600_000);
    const failed = await waitFor(
      () => dispatcherOf(suite.sim).get(id)?.status === 'failed',
      'the schedule to run out',
    ).then(() => answered(suite.sim, id, 16));
    expect(failed.attempts).toHaveLength(16);

    const resent = await dispatcherOf(suite.sim).resend(id);
    const manual = resent!.attempts[16]!;
    expect(manual).toMatchObject({ manual: true, acked: false, httpStatus: 500 });
    expect(resent).toMatchObject({
      status: 'pending',
      roundAttempts: 1,
      nextAttemptAt: manual.dueAt + 15_000,
    });

    suite.merchant.answer = 'ack';
    advanceTo(suite.sim, resent!.nextAttemptAt!);
    const delivered = await answered(suite.sim, id, 18);
    expect(delivered.status).toBe('delivered');
    expect(suite.merchant.received).toHaveLength(18);
    expect(suite.merchant.received.filter((c) => c.rejected)).toEqual([]);
  });

  it('a pending notification: an ACKed resend delivers it and the scheduled retry never happens', async () => {
    suite.merchant.answer = 'http-500';
    const id = suite.notifiedPayment('v2').id;
    const pending = await answered(suite.sim, id, 1);
    const due = pending.nextAttemptAt!;

    suite.merchant.answer = 'ack';
    const resent = await dispatcherOf(suite.sim).resend(id);
    expect(resent).toMatchObject({ status: 'delivered', roundAttempts: 1 });
    expect(resent!.nextAttemptAt).toBeUndefined();

    advanceTo(suite.sim, due + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resent!.attempts).toHaveLength(2);
    expect(suite.merchant.received).toHaveLength(2);
  });

  it('a pending notification: a failed resend leaves the schedule as it was', async () => {
    suite.merchant.answer = 'http-500';
    const id = suite.notifiedPayment('v2').id;
    const pending = await answered(suite.sim, id, 1);
    const due = pending.nextAttemptAt;

    const resent = await dispatcherOf(suite.sim).resend(id);
    expect(resent).toMatchObject({ status: 'pending', nextAttemptAt: due, roundAttempts: 1 });
    expect(resent!.attempts[1]).toMatchObject({ manual: true, acked: false });
  });

  it('a delivered notification: the merchant gets one more identical copy, status unchanged', async () => {
    const id = suite.notifiedPayment('v2').id;
    await answered(suite.sim, id, 1);
    const resent = await dispatcherOf(suite.sim).resend(id);
    expect(resent).toMatchObject({ status: 'delivered' });
    expect(resent!.attempts).toHaveLength(2);
    expect(suite.merchant.received).toHaveLength(2);
    expect(suite.merchant.received[1]!.body.equals(suite.merchant.received[0]!.body)).toBe(true);
  });

  it('an unknown id resolves to undefined', async () => {
    await expect(dispatcherOf(suite.sim).resend('no-such-notification')).resolves.toBeUndefined();
  });
});
