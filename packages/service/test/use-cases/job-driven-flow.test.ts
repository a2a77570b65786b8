import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/jobs/index.js';
import { PaymentHarness } from './support/payment-harness.js';

const MINUTE = 60_000;

/**
 * The jobs written with the order, run by the real job runner (handlers wired as the service wires
 * them: the job key is the order number): the query fallback chain and the timeout close.
 */
describe('reconcile and close driven by the durable job runner (SQLite)', () => {
  let h: PaymentHarness;
  let runner: JobRunner;

  beforeAll(async () => {
    h = await PaymentHarness.start({ engine: 'sqlite' });
    runner = new JobRunner({
      db: h.database.db,
      dialect: h.database.dialect,
      clock: h.deps.clock,
      workerId: 'test-worker',
      handlers: {
        'close-expired': async (job) => {
          await h.closeExpired.execute({ orderNo: job.key });
        },
        reconcile: async (job) => {
          const attempt = typeof job.payload.attempt === 'number' ? job.payload.attempt : undefined;
          await h.reconcile.execute({ orderNo: job.key, attempt });
        },
      },
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await h?.stop();
  });

  it('recovers a lost notification through the reconcile chain', async () => {
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    const order = await h.nativeOrder('v3');
    expect(await runner.runDueOnce()).toBe(0);

    h.sim.ctx.clock.advance(MINUTE + 1000);
    expect(await runner.runDueOnce()).toBe(1);
    expect((await h.order(order.orderNo)).state).toBe('NOTPAY');
    const followUp = (await h.jobs(order.orderNo)).find((j) => j.payload.attempt === 2);
    expect(followUp).toBeDefined();

    h.pay(order);
    h.sim.ctx.clock.advance(2 * MINUTE + 1000);
    expect(await runner.runDueOnce()).toBe(1);
    const paid = await h.order(order.orderNo);
    expect(paid.state).toBe('PAID');
    expect((await h.deps.orders.history(order.orderNo)).at(-1)).toMatchObject({ source: 'job:reconcile' });
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
  });

  it('closes an unpaid order when its close job comes due', async () => {
    const order = await h.nativeOrder('v2');
    h.sim.ctx.clock.advance(16 * MINUTE);
    for (let i = 0; i < 10 && (await h.order(order.orderNo)).state === 'NOTPAY'; i++)
      await runner.runDueOnce();
    expect((await h.order(order.orderNo)).state).toBe('CLOSED');
    expect(h.sim.ctx.trades.lookup(order.orderNo)!.state).toBe('CLOSED');
  });
});
