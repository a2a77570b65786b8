import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/index.js';
import { MerchantEndpoint } from './support/merchant-endpoint.js';
import {
  advanceTo,
  answered,
  dispatcherOf,
  paymentNotificationOf,
  payTrade,
  waitFor,
} from './support/notifier-test-kit.js';

describe('resend from the notification log', () => {
  let sim: RunningSimulator;
  let merchant: MerchantEndpoint;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    merchant = await MerchantEndpoint.start(sim.merchant, () => sim.ctx.clock.now());
  });
  afterEach(async () => {
    await merchant.close();
  });

  it('a failed notification: the clock runs through all 16 attempts, a resend re-arms the schedule', async () => {
    merchant.answer = 'http-500';
    const id = paymentNotificationOf(
      sim,
      payTrade(sim, { apiVersion: 'v3', notifyUrl: merchant.url('/v3') }),
    ).id;
    await answered(sim, id, 1);
    sim.ctx.clock.advance(25 * 3600_000);
    const failed = await waitFor(
      () => dispatcherOf(sim).get(id)?.status === 'failed',
      'the schedule to run out',
    ).then(() => answered(sim, id, 16));
    expect(failed.attempts).toHaveLength(16);

    const resent = await dispatcherOf(sim).resend(id);
    const manual = resent!.attempts[16]!;
    expect(manual).toMatchObject({ manual: true, acked: false, httpStatus: 500 });
    expect(resent).toMatchObject({
      status: 'pending',
      roundAttempts: 1,
      nextAttemptAt: manual.dueAt + 15_000,
    });

    merchant.answer = 'ack';
    advanceTo(sim, resent!.nextAttemptAt!);
    const delivered = await answered(sim, id, 18);
    expect(delivered.status).toBe('delivered');
    expect(merchant.received).toHaveLength(18);
    expect(merchant.received.filter((c) => c.rejected)).toEqual([]);
  });

  it('a pending notification: an ACKed resend delivers it and the scheduled retry never happens', async () => {
    merchant.answer = 'http-500';
    const id = paymentNotificationOf(
      sim,
      payTrade(sim, { apiVersion: 'v2', notifyUrl: merchant.url('/v2/pay') }),
    ).id;
    const pending = await answered(sim, id, 1);
    const due = pending.nextAttemptAt!;

    merchant.answer = 'ack';
    const resent = await dispatcherOf(sim).resend(id);
    expect(resent).toMatchObject({ status: 'delivered', roundAttempts: 1 });
    expect(resent!.nextAttemptAt).toBeUndefined();

    advanceTo(sim, due + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resent!.attempts).toHaveLength(2);
    expect(merchant.received).toHaveLength(2);
  });

  it('a pending notification: a failed resend leaves the schedule as it was', async () => {
    merchant.answer = 'http-500';
    const id = paymentNotificationOf(
      sim,
      payTrade(sim, { apiVersion: 'v2', notifyUrl: merchant.url('/v2/pay') }),
    ).id;
    const pending = await answered(sim, id, 1);
    const due = pending.nextAttemptAt;

    const resent = await dispatcherOf(sim).resend(id);
    expect(resent).toMatchObject({ status: 'pending', nextAttemptAt: due, roundAttempts: 1 });
    expect(resent!.attempts[1]).toMatchObject({ manual: true, acked: false });
  });

  it('a delivered notification: the merchant gets one more identical copy, status unchanged', async () => {
    const id = paymentNotificationOf(
      sim,
      payTrade(sim, { apiVersion: 'v2', notifyUrl: merchant.url('/v2/pay') }),
    ).id;
    await answered(sim, id, 1);
    const resent = await dispatcherOf(sim).resend(id);
    expect(resent).toMatchObject({ status: 'delivered' });
    expect(resent!.attempts).toHaveLength(2);
    expect(merchant.received).toHaveLength(2);
    expect(merchant.received[1]!.body.equals(merchant.received[0]!.body)).toBe(true);
  });

  it('an unknown id resolves to undefined', async () => {
    await expect(dispatcherOf(sim).resend('no-such-notification')).resolves.toBeUndefined();
  });
});
