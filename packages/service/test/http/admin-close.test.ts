import { expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('the admin closes an unpaid order', adminCloseSuite);

function adminCloseSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });
  const order = async () =>
    (
      await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
      })
    ).body;
  const close = (orderNo: string) =>
    json<{ outcome: string; order: { state: string }; error?: string }>(
      `${demo.url}/api/admin/orders/${orderNo}/close`,
      { method: 'POST', headers: admin() },
    );
  const atWechat = (orderNo: string) => demo.simulator.ctx.trades.lookup(orderNo)?.state;
  const history = async (orderNo: string) =>
    (
      await json<{ history: { toState: string; source: string }[] }>(
        `${demo.url}/api/admin/orders/${orderNo}`,
        {
          headers: admin(),
        },
      )
    ).body.history;

  it('closes it at WeChat first, then here, with the admin in the history', async () => {
    const open = await order();
    const closed = await close(open.orderNo);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ outcome: 'CLOSED', order: { state: 'CLOSED' } });
    expect(atWechat(open.orderNo)).toBe('CLOSED');
    expect((await history(open.orderNo)).at(-1)).toMatchObject({ toState: 'CLOSED', source: 'admin' });
    // Nobody can pay it any more.
    expect(() =>
      demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(open.codeUrl)!, 'alice'),
    ).toThrow();
  });

  it('an order already paid at WeChat (its notification lost) becomes PAID instead', async () => {
    await json(`${demo.simulator.url}/_sim/faults`, {
      method: 'PUT',
      body: JSON.stringify({ notify: { dropProbability: 1 } }),
    });
    try {
      const lost = await order();
      demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(lost.codeUrl)!, 'alice');
      const answer = await close(lost.orderNo);
      expect(answer.body).toMatchObject({ outcome: 'PAID', order: { state: 'PAID' } });
      expect(atWechat(lost.orderNo)).toBe('SUCCESS');
    } finally {
      await json(`${demo.simulator.url}/_sim/faults`, { method: 'DELETE' });
    }
  });

  it('refuses a paid order, an unknown one and a caller without the token, changing nothing', async () => {
    const paid = await order();
    demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(paid.codeUrl)!, 'alice');
    await eventually(async () =>
      (await json<{ state: string }>(`${demo.url}/api/orders/${paid.orderNo}`)).body.state === 'PAID'
        ? true
        : undefined,
    );
    const refused = await close(paid.orderNo);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('INVALID_TRANSITION');
    expect((await close('NOSUCHORDER123')).status).toBe(404);
    const open = await order();
    expect(
      (await fetch(`${demo.url}/api/admin/orders/${open.orderNo}/close`, { method: 'POST' })).status,
    ).toBe(401);
    expect(atWechat(open.orderNo)).toBe('NOTPAY');
  });
}
