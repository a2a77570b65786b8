import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('the notification log across a restart', () => {
  let dataDir: string;
  let sim: RunningSimulator | undefined;
  let merchant: MerchantEndpoint | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sim-notifier-'));
  });
  afterEach(async () => {
    await merchant?.close();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A merchant endpoint that follows whichever simulator instance is running. */
  async function startWithMerchant(): Promise<{ sim: RunningSimulator; merchant: MerchantEndpoint }> {
    sim = await startSimulator({ port: 0, dataDir });
    merchant = await MerchantEndpoint.start(sim.merchant);
    return { sim, merchant };
  }

  async function restart(): Promise<RunningSimulator> {
    await sim!.stop();
    sim = await startSimulator({ port: 0, dataDir });
    return sim;
  }

  it('a pending retry continues after a restart, on the same schedule', async () => {
    const first = await startWithMerchant();
    first.merchant.answer = 'http-500';
    const trade = payTrade(first.sim, { apiVersion: 'v3', notifyUrl: first.merchant.url('/v3') });
    const before = await answered(first.sim, paymentNotificationOf(first.sim, trade).id, 1);
    const { id, nextAttemptAt, body } = before;

    const second = await restart();
    const restored = dispatcherOf(second).get(id);
    expect(restored).toMatchObject({ status: 'pending', nextAttemptAt, body, roundAttempts: 1 });
    expect(restored!.attempts).toEqual([expect.objectContaining({ acked: false, httpStatus: 500 })]);

    first.merchant.answer = 'ack';
    advanceTo(second, nextAttemptAt!);
    const after = await answered(second, id, 2);
    expect(after.status).toBe('delivered');
    expect(after.attempts[1]!.dueAt).toBe(nextAttemptAt);
    expect(first.merchant.received).toHaveLength(2);
    expect(first.merchant.received.filter((c) => c.rejected)).toEqual([]);
  });

  it('an attempt cut off by the stop counts as failed and the next one is scheduled', async () => {
    const first = await startWithMerchant();
    first.merchant.answer = 'hang';
    const trade = payTrade(first.sim, { apiVersion: 'v2', notifyUrl: first.merchant.url('/v2/pay') });
    const { id } = paymentNotificationOf(first.sim, trade);
    await waitFor(() => first.merchant.received.length === 1, 'the first attempt to arrive');

    const second = await restart();
    const restored = dispatcherOf(second).get(id)!;
    expect(restored.attempts[0]!.error).toMatch(/interrupted/);
    expect(restored).toMatchObject({
      status: 'pending',
      nextAttemptAt: restored.attempts[0]!.dueAt + 15_000,
    });

    first.merchant.answer = 'ack';
    advanceTo(second, restored.nextAttemptAt!);
    expect((await answered(second, id, 2)).status).toBe('delivered');
  });
});
