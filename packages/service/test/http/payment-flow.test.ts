import { expect, it } from 'vitest';
import { eventually, json, readEvents, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

type OrderBody = { orderNo: string; state: string; amount: number; codeUrl?: string; transactionId?: string };

describeOnEngines(
  'payment service over HTTP (create, pay at the simulator, notified, pushed)',
  paymentFlowSuite,
);

function paymentFlowSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  const create = (body: Record<string, unknown>) =>
    json<OrderBody>(`${demo.url}/api/orders`, { method: 'POST', body: JSON.stringify(body) });

  async function metric(name: string, apiVersion: string): Promise<number> {
    const text = await (await fetch(`${demo.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{api_version="${apiVersion}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async function gauge(name: string): Promise<number> {
    const text = await (await fetch(`${demo.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ').pop()) : Number.NaN;
  }

  it('lists the seeded products with prices in fen', async () => {
    const { status, body } = await json<{ id: string; price: number; priceText: string }[]>(
      `${demo.url}/api/products`,
    );
    expect(status).toBe(200);
    const coffee = body.find((p) => p.id === 'demo-coffee');
    expect(coffee).toMatchObject({ price: 990, priceText: '¥9.90' });
  });

  for (const apiVersion of ['v3', 'v2'] as const) {
    it(`${apiVersion}: the simulator's real notification makes the order PAID and the SSE client sees it`, async () => {
      const createdBefore = await metric('orders_created_total', apiVersion);
      const paidBefore = await metric('orders_paid_total', apiVersion);

      // A shopper's amount is refused: the price only ever comes from the product.
      const sneaky = await create({ productId: 'demo-tea', payType: 'NATIVE', apiVersion, amount: 1 });
      expect(sneaky.status).toBe(401);

      const created = await create({ productId: 'demo-tea', quantity: 2, payType: 'NATIVE', apiVersion });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ state: 'NOTPAY', amount: 13600, amountText: '¥136.00' });
      expect(created.body.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
      const { orderNo, codeUrl } = created.body;
      expect(await metric('orders_created_total', apiVersion)).toBe(createdBefore + 1);

      const events = readEvents(
        `${demo.url}/api/orders/${orderNo}/events`,
        (event) => event.state === 'PAID',
        () => {
          const trade = demo.simulator.ctx.trades.lookup(codeUrl!);
          demo.simulator.ctx.trades.pay(trade!, 'alice');
        },
      );
      const { states } = await events;
      expect(states[0]).toBe('NOTPAY');
      expect(states.at(-1)).toBe('PAID');

      const order = await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`);
      expect(order.body.state).toBe('PAID');
      expect(order.body.transactionId).toMatch(/^42/);
      expect(await metric('orders_paid_total', apiVersion)).toBe(paidBefore + 1);

      // The simulator saw its notification ACKed in WeChat's format, so it stops resending.
      const attempts = await eventually(async () => {
        const records = demo.simulator.ctx.notifier
          .list()
          .filter((r) => r.outTradeNo === orderNo && r.attempts.some((a) => a.acked));
        return records.length > 0 ? records : undefined;
      });
      expect(attempts).toHaveLength(1);
    });
  }

  it('an SSE stream of a paid order sends PAID at once and ends', async () => {
    const created = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(created.body.codeUrl!)!, 'bob');
    await eventually(async () => {
      const { body } = await json<OrderBody>(`${demo.url}/api/orders/${created.body.orderNo}`);
      return body.state === 'PAID' ? true : undefined;
    });
    const { states, ended } = await readEvents(
      `${demo.url}/api/orders/${created.body.orderNo}/events`,
      () => false,
    );
    expect(states).toEqual(['PAID']);
    expect(ended).toBe(true);
  });

  it('a browser that goes away is unsubscribed (no stream left open)', async () => {
    const created = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const { states } = await readEvents(`${demo.url}/api/orders/${created.body.orderNo}/events`, () => true);
    expect(states).toEqual(['NOTPAY']);
    await eventually(async () => ((await gauge('sse_streams_open')) === 0 ? true : undefined));
  });

  it('serves the QR code as SVG and PNG, and 404 for an unknown order', async () => {
    const created = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const svg = await fetch(`${demo.url}/api/orders/${created.body.orderNo}/qrcode.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    const png = await fetch(`${demo.url}/api/orders/${created.body.orderNo}/qrcode.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const missing = await json(`${demo.url}/api/orders/20990101000000ZZZZZZZZZZ/qrcode.svg`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'ORDER_NOT_FOUND' });
    const sse = await json(`${demo.url}/api/orders/20990101000000ZZZZZZZZZZ/events`);
    expect(sse.status).toBe(404);
  });

  it('a WeChat failure leaves the order open with the error shown, and a retry gets the QR code', async () => {
    demo.simulator.ctx.faults.setApiFaults([{ api: 'v3.transactions.native', kind: 'SYSTEMERROR' }]);
    const created = await create({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' });
    demo.simulator.ctx.faults.setApiFaults([]);
    expect(created.status).toBe(201);
    const failed = created.body as OrderBody & {
      wechatError?: { code: string; message: string };
      qrCodeUrl?: string;
    };
    expect(failed.state).toBe('NOTPAY');
    expect(failed.codeUrl).toBeUndefined();
    expect(failed.qrCodeUrl).toBeUndefined();
    expect(failed.wechatError?.code).toBe('SYSTEM_ERROR');
    // The shopper gets a sentence; WeChat's own text and our error chain are the admin's.
    expect(failed.wechatError?.message).toBe(
      '微信支付繁忙，请稍后重试 / WeChat Pay is busy; please try again shortly',
    );
    const forAdmin = await json<{ order: { wechatError?: { message: string } } }>(
      `${demo.url}/api/admin/orders/${failed.orderNo}`,
      { headers: { Authorization: `Bearer ${demo.adminToken}` } },
    );
    expect(forAdmin.body.order.wechatError?.message).not.toBe(failed.wechatError?.message);
    expect(forAdmin.body.order.wechatError?.message).toMatch(/\S{8}/);
    expect((await fetch(`${demo.url}/api/orders/${failed.orderNo}/qrcode.svg`)).status).toBe(404);

    const retried = await json<OrderBody>(`${demo.url}/api/orders/${failed.orderNo}/prepay`, {
      method: 'POST',
    });
    expect(retried.status).toBe(200);
    expect(retried.body.codeUrl).toMatch(/^weixin:\/\//);
    expect((await fetch(`${demo.url}/api/orders/${failed.orderNo}/qrcode.svg`)).status).toBe(200);
  });

  it('an unpaid order is closed by its job at expiry (simulator clock) and the SSE client sees CLOSED', async () => {
    const closedBefore = await metric('orders_closed_total', 'v3');
    const created = await create({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' });
    const open = await json<{ apiVersion: string }[]>(`${demo.url}/api/admin/orders?state=NOTPAY`, {
      headers: { Authorization: `Bearer ${demo.adminToken}` },
    });
    const openV3 = open.body.filter((o) => o.apiVersion === 'v3').length;
    expect(openV3).toBeGreaterThanOrEqual(1);
    const { states, ended } = await readEvents(
      `${demo.url}/api/orders/${created.body.orderNo}/events`,
      () => false,
      () => demo.simulator.ctx.clock.advance(16 * 60_000),
    );
    expect(states).toEqual(['NOTPAY', 'CLOSED']);
    expect(ended).toBe(true);
    // Every order still open expired with it: each one closed exactly once.
    await eventually(async () =>
      (await metric('orders_closed_total', 'v3')) === closedBefore + openV3 ? true : undefined,
    );
  });

  it('maps bad requests to 400 and unknown products to 404 with {error, message}', async () => {
    const bad = await create({ productId: 'demo-coffee', payType: 'BITCOIN' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'VALIDATION_FAILED' });
    const unknown = await create({ productId: 'no-such-product', payType: 'NATIVE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'PRODUCT_NOT_FOUND' });
  });
}
