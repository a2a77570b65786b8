import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, json, startTestDemo, type TestDemo } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';

interface OrderAnswer {
  orderNo: string;
  state: string;
  codeUrl?: string;
  wechatError?: { code: string; message: string };
}
interface ErrorAnswer {
  error: string;
  message: string;
  orderNo?: string;
  retryable?: boolean;
}

describeOnEngines('order creation against a WeChat slower than the prepay deadline', (engine) => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startTestDemo(engine, { prepayDeadlineMs: 500 });
  });
  afterAll(async () => demo?.cleanup());

  const slowPrepay = (delayMs: number) =>
    demo.simulator.ctx.faults.setApiFaults([
      { api: 'v3.transactions.native', kind: 'SLOW', delayMs, times: 1 },
    ]);
  const create = () =>
    json<OrderAnswer & ErrorAnswer>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
    });
  const order = async (orderNo: string) =>
    (await json<OrderAnswer>(`${demo.url}/api/orders/${orderNo}`)).body;
  const tradesFor = (orderNo: string) => (demo.simulator.ctx.trades.lookup(orderNo) === undefined ? 0 : 1);

  it('answers 503 WECHAT_TIMEOUT (retryable, with the order number) before WeChat has answered, and keeps the order', async () => {
    slowPrepay(2_500);
    const answer = await create();
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'WECHAT_TIMEOUT', retryable: true });
    expect(answer.headers.get('retry-after')).toBe('2');
    const orderNo = answer.body.orderNo!;
    expect(answer.body.message).toContain(`/api/orders/${orderNo}/prepay`);
    // WeChat has not even created the trade yet: the buyer was answered at the deadline, not after it.
    expect(tradesFor(orderNo)).toBe(0);
    const stored = await order(orderNo);
    expect(stored).toMatchObject({ state: 'NOTPAY', wechatError: { code: 'PREPAY_TIMEOUT' } });
    expect(stored.codeUrl).toBeUndefined();

    // The late prepay is not lost: it is stored when it arrives, and the error goes.
    const late = await eventually(async () => {
      const now = await order(orderNo);
      return now.codeUrl ? now : undefined;
    }, 10_000);
    expect(late.wechatError).toBeUndefined();

    // A retry answers that same prepay without a second order at WeChat; one payment pays it.
    const retried = await json<OrderAnswer>(`${demo.url}/api/orders/${orderNo}/prepay`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(retried.body.codeUrl).toBe(late.codeUrl);
    demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(late.codeUrl!)!, 'alice');
    await eventually(async () => ((await order(orderNo)).state === 'PAID' ? true : undefined));
  });

  it('a retry while the first prepay is still on its way reuses the out_trade_no: one trade, one code', async () => {
    slowPrepay(1_500);
    const answer = await create();
    expect(answer.status).toBe(503);
    const orderNo = answer.body.orderNo!;
    const retried = await json<OrderAnswer>(`${demo.url}/api/orders/${orderNo}/prepay`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(retried.body.codeUrl).toMatch(/^weixin:\/\//);
    expect(retried.body.wechatError).toBeUndefined();

    // The first request reaches WeChat afterwards with the same out_trade_no and parameters: the same trade.
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const settled = await order(orderNo);
    expect(settled.codeUrl).toBe(retried.body.codeUrl);
    expect(settled.wechatError).toBeUndefined();
    const trade = demo.simulator.ctx.trades.lookup(orderNo)!;
    expect(demo.simulator.ctx.trades.lookup(retried.body.codeUrl!)).toBe(trade);
    demo.simulator.ctx.trades.pay(trade, 'alice');
    await eventually(async () => ((await order(orderNo)).state === 'PAID' ? true : undefined));
  });

  it('a retry is held to the same deadline', async () => {
    slowPrepay(2_000);
    const answer = await create();
    expect(answer.status).toBe(503);
    const orderNo = answer.body.orderNo!;
    slowPrepay(2_000);
    const retried = await json<ErrorAnswer>(`${demo.url}/api/orders/${orderNo}/prepay`, { method: 'POST' });
    expect(retried.status).toBe(503);
    expect(retried.body).toMatchObject({ error: 'WECHAT_TIMEOUT', orderNo, retryable: true });
    expect(tradesFor(orderNo)).toBe(0);
    const late = await eventually(async () => {
      const now = await order(orderNo);
      return now.codeUrl ? now : undefined;
    }, 10_000);
    expect(demo.simulator.ctx.trades.lookup(late.codeUrl!)).toBe(demo.simulator.ctx.trades.lookup(orderNo));
  });

  it('a WeChat within the deadline is unaffected: 201 with the code', async () => {
    slowPrepay(100);
    const answer = await create();
    expect(answer.status).toBe(201);
    expect(answer.body.codeUrl).toMatch(/^weixin:\/\//);
  });
});
