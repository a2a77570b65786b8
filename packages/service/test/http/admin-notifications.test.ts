import { expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('the admin reads a notification decrypted', adminNotificationsSuite);

type Detail = {
  notifications: { apiVersion: string; verified: boolean; rawBody: string; decryptedBody?: string }[];
};

function adminNotificationsSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  const paidOrder = async (apiVersion: 'v2' | 'v3') => {
    const created = await json<{ orderNo: string; codeUrl: string; amount: number }>(
      `${demo.url}/api/orders`,
      {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion }),
      },
    );
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
    return eventually(async () => {
      const detail = await json<Detail>(`${demo.url}/api/admin/orders/${created.body.orderNo}`, {
        headers: { Authorization: `Bearer ${demo.adminToken}` },
      });
      return detail.body.notifications.length > 0 ? { ...created.body, detail: detail.body } : undefined;
    });
  };

  it('a v3 payment notification is kept encrypted as received, with its resource decrypted beside it', async () => {
    const order = await paidOrder('v3');
    const [received] = order.detail.notifications;
    expect(received).toMatchObject({ apiVersion: 'v3', verified: true });
    expect(received!.rawBody).toContain('"ciphertext"');
    expect(received!.rawBody).not.toContain(order.orderNo);
    const resource = JSON.parse(received!.decryptedBody!) as {
      out_trade_no: string;
      amount: { total: number };
    };
    expect(resource.out_trade_no).toBe(order.orderNo);
    expect(resource.amount.total).toBe(order.amount);
  });

  it('a v2 one is plain already: nothing decrypted is added', async () => {
    const order = await paidOrder('v2');
    const [received] = order.detail.notifications;
    expect(received).toMatchObject({ apiVersion: 'v2', verified: true });
    expect(received!.rawBody).toContain(order.orderNo);
    expect(received).not.toHaveProperty('decryptedBody');
  });
}
