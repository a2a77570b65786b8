import { expect, it } from 'vitest';
import { CLOSE_RETRY_MAX_MS } from '../../src/use-cases/index.js';
import { eventually, json } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

const MINUTE = 60_000;

describeOnEngines('closing expired orders while WeChat keeps failing', (engine) => {
  let demo: Parameters<Parameters<typeof useTestDemo>[1]>[0];
  useTestDemo(engine, (d) => {
    demo = d;
  });

  const closeJob = (orderNo: string) =>
    demo.service.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', 'close-expired')
      .where('key', '=', orderNo)
      .executeTakeFirstOrThrow();

  it(`retries at most every ${CLOSE_RETRY_MAX_MS / 1000} s, so the order closes soon after WeChat recovers`, async () => {
    const created = await json<{ orderNo: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
    });
    expect(created.status).toBe(201);
    const { orderNo } = created.body;
    const clock = demo.simulator.ctx.clock;
    demo.simulator.ctx.faults.setApiFaults([{ api: 'v3.transactions.query', kind: 'HTTP_503' }]);
    clock.advance(16 * MINUTE);

    // Twelve failed attempts: uncapped, the ninth would already wait ten minutes.
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      await demo.service.jobs.runDueOnce();
      const failed = await eventually(async () => {
        const job = await closeJob(orderNo);
        return Number(job.attempts) >= attempt ? job : undefined;
      });
      const delay = Number(failed.run_at) - clock.now();
      delays.push(delay);
      expect(delay).toBeLessThanOrEqual(CLOSE_RETRY_MAX_MS);
      clock.advance(Math.max(0, delay));
    }
    expect(Math.max(...delays)).toBeGreaterThan(CLOSE_RETRY_MAX_MS - 1_000);
    expect((await json<{ state: string }>(`${demo.url}/api/orders/${orderNo}`)).body.state).toBe('NOTPAY');

    // WeChat answers again: the next attempt — at most the cap away — closes the order.
    demo.simulator.ctx.faults.setApiFaults([]);
    const recoveredAt = clock.now();
    const next = Number((await closeJob(orderNo)).run_at);
    clock.advance(Math.max(0, next - clock.now()));
    await demo.service.jobs.runDueOnce();
    const closed = await eventually(async () => {
      const { body } = await json<{ state: string; closedAt?: string }>(`${demo.url}/api/orders/${orderNo}`);
      return body.state === 'CLOSED' ? body : undefined;
    });
    expect(Date.parse(closed.closedAt!) - recoveredAt).toBeLessThanOrEqual(CLOSE_RETRY_MAX_MS + 5_000);
    expect(demo.simulator.ctx.trades.lookup(orderNo)?.state).toBe('CLOSED');
  });
});
