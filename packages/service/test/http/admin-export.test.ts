import { expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('the admin’s CSV export', adminExportSuite);

function adminExportSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });

  const order = async (productId: string) =>
    (
      await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId, payType: 'NATIVE', apiVersion: 'v3' }),
      })
    ).body;

  it('streams the filtered orders as CSV for Excel: BOM, bilingual header, one line each', async () => {
    const paid = [await order('demo-coffee'), await order('demo-tea')];
    const unpaid = await order('demo-coffee');
    const trades = demo.simulator.ctx.trades;
    for (const o of paid) trades.pay(trades.lookup(o.codeUrl)!, 'alice');
    await eventually(async () => {
      const states = await Promise.all(
        paid.map(
          async (o) => (await json<{ state: string }>(`${demo.url}/api/orders/${o.orderNo}`)).body.state,
        ),
      );
      return states.every((s) => s === 'PAID') ? true : undefined;
    });

    const answer = await fetch(`${demo.url}/api/admin/orders.csv?state=PAID`, { headers: admin() });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-\d{14}\.csv"$/);
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(header).toContain('订单号 order_no');
    expect(rows.map((row) => row.split(',')[0]).sort()).toEqual(paid.map((o) => o.orderNo).sort());
    expect(rows.join('\n')).not.toContain(unpaid.orderNo);
    for (const row of rows) expect(row.split(',')[1]).toBe('PAID');
  });

  it('takes the list’s filters only, and the admin token', async () => {
    expect((await fetch(`${demo.url}/api/admin/orders.csv`)).status).toBe(401);
    const unknown = await fetch(`${demo.url}/api/admin/orders.csv?state=PAYED`, { headers: admin() });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('VALIDATION_FAILED');
    expect((await fetch(`${demo.url}/api/admin/orders.csv?limit=5`, { headers: admin() })).status).toBe(400);
    const empty = await fetch(`${demo.url}/api/admin/orders.csv?q=NOSUCHORDER`, { headers: admin() });
    expect((await empty.text()).trimEnd().split('\r\n')).toHaveLength(1);
  });

  it('“paid” can mean every sale still holding money: PAID, REFUNDING and PARTIALLY_REFUNDED', async () => {
    const sold = await order('demo-tea');
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(sold.codeUrl)!, 'alice');
    await eventually(async () =>
      (await json<{ state: string }>(`${demo.url}/api/orders/${sold.orderNo}`)).body.state === 'PAID'
        ? true
        : undefined,
    );
    const refunded = await json<{ state: string }>(`${demo.url}/api/orders/${sold.orderNo}/refunds`, {
      method: 'POST',
      headers: admin(),
      body: JSON.stringify({ amount: 100, reason: 'partly' }),
    });
    expect(refunded.status).toBe(201);
    const list = async (query: string) =>
      (
        await json<{ orderNo: string; state: string }[]>(`${demo.url}/api/admin/orders?${query}`, {
          headers: admin(),
        })
      ).body;
    expect((await list('state=PAID')).map((o) => o.orderNo)).not.toContain(sold.orderNo);
    const paid = await list('state=PAID&state=REFUNDING&state=PARTIALLY_REFUNDED&limit=200');
    expect(paid.map((o) => o.orderNo)).toContain(sold.orderNo);
    expect(new Set(paid.map((o) => o.state)).size).toBeGreaterThan(1);
    for (const o of paid) expect(['PAID', 'REFUNDING', 'PARTIALLY_REFUNDED']).toContain(o.state);
    const csv = await (
      await fetch(`${demo.url}/api/admin/orders.csv?state=PAID&state=REFUNDING`, { headers: admin() })
    ).text();
    expect(csv).toContain(sold.orderNo);
    expect(
      (await fetch(`${demo.url}/api/admin/orders?state=PAID&state=PAYED`, { headers: admin() })).status,
    ).toBe(400);
  });

  it('finds orders by product and by exact amount (fen), alone or with the other filters', async () => {
    const tea = await order('demo-tea');
    const list = async (query: string) =>
      (
        await json<{ orderNo: string; productId: string; amount: number }[]>(
          `${demo.url}/api/admin/orders?${query}`,
          {
            headers: admin(),
          },
        )
      ).body;
    const byProduct = await list('productId=demo-tea&limit=200');
    expect(byProduct.map((o) => o.orderNo)).toContain(tea.orderNo);
    for (const o of byProduct) expect(o.productId).toBe('demo-tea');
    const byAmount = await list('amount=6800&limit=200');
    expect(byAmount.map((o) => o.orderNo)).toContain(tea.orderNo);
    for (const o of byAmount) expect(o.amount).toBe(6800);
    expect(await list('amount=6801')).toEqual([]);
    expect(await list('productId=demo-coffee&amount=6800')).toEqual([]);
    expect((await fetch(`${demo.url}/api/admin/orders?amount=68.00`, { headers: admin() })).status).toBe(400);
    expect((await fetch(`${demo.url}/api/admin/orders?amount=-1`, { headers: admin() })).status).toBe(400);
  });
}
