import { expect, it } from 'vitest';
import { eventually, json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

interface OrderBody {
  orderNo: string;
  state: string;
  payParams?: Record<string, string>;
  wechatError?: { code: string; message: string };
}

describeOnEngines('APP orders under the mobile App appid', (engine) => {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });
  const m = () => demo.simulator.merchant;

  for (const apiVersion of ['v2', 'v3'] as const) {
    it(`${apiVersion}: made and signed under WECHATPAY_APP_APPID, the App SDK accepts the parameters and pays`, async () => {
      const created = await json<OrderBody>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-tea', payType: 'APP', apiVersion }),
      });
      expect(created.status).toBe(201);
      const params = created.body.payParams!;
      expect(params).toMatchObject({ appid: m().appAppid, partnerid: m().mchid, package: 'Sign=WXPay' });
      expect(m().appAppid).not.toBe(m().appid);
      // WeChat holds the order under the App's appid too: the order itself was placed with it.
      const trade = demo.simulator.ctx.trades.lookup(params.prepayid!);
      expect(trade?.appid).toBe(m().appAppid);

      const paid = await json<{ result?: string; error?: string; message?: string }>(
        `${demo.simulator.url}/_sim/pay-requests/pay`,
        { method: 'POST', body: JSON.stringify({ kind: 'app', ...params, user: 'bob' }) },
      );
      expect(paid.body).toMatchObject({ result: 'ok' });
      await eventually(async () => {
        const order = await json<OrderBody>(`${demo.url}/api/orders/${created.body.orderNo}`);
        return order.body.state === 'PAID' ? order : undefined;
      });
    });
  }
});
