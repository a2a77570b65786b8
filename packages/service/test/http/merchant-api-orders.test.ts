import { expect, it } from 'vitest';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

const ERP_KEY = 'mk_erp_0123456789abcdefghijklmn';
const TILL_KEY = 'mk_till_0123456789abcdefghijklm';

interface OrderAnswer {
  orderNo: string;
  state: string;
  amount: number;
  description: string;
  productId: string;
  codeUrl?: string;
  merchantReference?: string;
  error?: string;
  message?: string;
  field?: string;
}

describeOnEngines('orders from the merchant’s own systems (API keys, Idempotency-Key)', (engine) => {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    {
      merchantApiKeys: [
        { name: 'erp', key: ERP_KEY },
        { name: 'till', key: TILL_KEY },
      ],
      prepayDeadlineMs: 30_000,
      limits: { orders: { max: 8, windowMs: 3_600_000 } },
    },
  );

  const order = (body: unknown, headers: Record<string, string> = {}) =>
    json<OrderAnswer>(`${demo.url}/api/orders`, { method: 'POST', body: JSON.stringify(body), headers });
  const asErp = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${ERP_KEY}`, ...extra });
  const ordersOfAmount = async (amount: number) =>
    (
      await json<{ orderNo: string; apiClient?: string; merchantReference?: string }[]>(
        `${demo.url}/api/admin/orders?amount=${amount}&limit=200`,
        { headers: { Authorization: `Bearer ${demo.adminToken}` } },
      )
    ).body;

  it('a merchant API key orders its own amount and text, with its reference; the admin sees who', async () => {
    const created = await order(
      { amount: 12_345, description: '发票 INV-1001', merchantReference: 'INV-1001', payType: 'NATIVE' },
      asErp(),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'NOTPAY',
      amount: 12_345,
      description: '发票 INV-1001',
      productId: '@custom-amount',
      merchantReference: 'INV-1001',
    });
    expect(created.body.codeUrl).toMatch(/^weixin:\/\//);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    const [stored] = await ordersOfAmount(12_345);
    expect(stored).toMatchObject({
      orderNo: created.body.orderNo,
      apiClient: 'erp',
      merchantReference: 'INV-1001',
    });
    // What anyone with the order number can read does not carry the merchant's reference.
    const shopperView = await json<OrderAnswer>(`${demo.url}/api/orders/${created.body.orderNo}`);
    expect(shopperView.body.merchantReference).toBeUndefined();
    // The reserved product behind such orders is not in either catalogue, nor for sale.
    const catalogue = await json<{ id: string }[]>(`${demo.url}/api/admin/products`, {
      headers: { Authorization: `Bearer ${demo.adminToken}` },
    });
    expect(catalogue.body.map((p) => p.id)).not.toContain('@custom-amount');
    const bought = await order({ productId: '@custom-amount', payType: 'NATIVE' });
    expect([bought.status, bought.body.error]).toEqual([404, 'PRODUCT_NOT_FOUND']);
  });

  it('without a valid key an own amount, a reference or an Idempotency-Key is refused: 401 MERCHANT_API_KEY_REQUIRED', async () => {
    for (const [body, headers] of [
      [{ amount: 100, description: 'x', payType: 'NATIVE' }, {}],
      [
        { amount: 100, description: 'x', payType: 'NATIVE' },
        { Authorization: 'Bearer not-the-key-0123456789abcdef' },
      ],
      [{ amount: 100, description: 'x', payType: 'NATIVE' }, { Authorization: `Bearer ${demo.adminToken}` }],
      [{ productId: 'demo-coffee', merchantReference: 'R1', payType: 'NATIVE' }, {}],
      [{ productId: 'demo-coffee', payType: 'NATIVE' }, { 'Idempotency-Key': 'k-1' }],
    ] as const) {
      const refused = await order(body, headers);
      expect(refused.status, JSON.stringify(body)).toBe(401);
      expect(refused.body.error).toBe('MERCHANT_API_KEY_REQUIRED');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.stringify(refused.body)).not.toContain(ERP_KEY);
    }
    expect(await ordersOfAmount(100)).toEqual([]);
    // A shopper's catalogue order is as before.
    expect((await order({ productId: 'demo-coffee', payType: 'NATIVE' })).status).toBe(201);
  });

  it('fields that go together: a product or an own amount, never both → 400 naming the field', async () => {
    for (const [body, field] of [
      [{ amount: 100, payType: 'NATIVE' }, 'description'],
      [{ amount: 100, description: 'x', productId: 'demo-coffee', payType: 'NATIVE' }, 'productId'],
      [{ amount: 100, description: 'x', quantity: 2, payType: 'NATIVE' }, 'quantity'],
      [{ productId: 'demo-coffee', description: 'x', payType: 'NATIVE' }, 'description'],
      [{ payType: 'NATIVE' }, 'productId'],
      [{ amount: 0, description: 'x', payType: 'NATIVE' }, 'amount'],
      [{ amount: 100_000_001, description: 'x', payType: 'NATIVE' }, 'amount'],
      [{ amount: 100, description: 'x'.repeat(65), payType: 'NATIVE' }, 'description'],
      [{ amount: 100, description: 'a\u0000b', payType: 'NATIVE' }, 'description'],
      [
        { amount: 100, description: 'x', merchantReference: 'has space', payType: 'NATIVE' },
        'merchantReference',
      ],
    ] as const) {
      const refused = await order(body, asErp());
      expect([refused.status, refused.body.error, refused.body.field], JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
        field,
      ]);
    }
    for (const key of ['with space', 'x'.repeat(256), 'caf\u00e9']) {
      const refused = await order(
        { amount: 100, description: 'x', payType: 'NATIVE' },
        asErp({ 'Idempotency-Key': key }),
      );
      expect([refused.status, refused.body.field], key).toEqual([400, 'idempotency-key']);
    }
    expect(await ordersOfAmount(100)).toEqual([]);
  });

  it('the same Idempotency-Key and body again → the same order (201, Idempotent-Replayed); another body → 409', async () => {
    const body = { amount: 2_001, description: '订阅 sub-7', payType: 'NATIVE' };
    const first = await order(body, asErp({ 'Idempotency-Key': 'order-2001' }));
    expect(first.status).toBe(201);
    // The same fields in another order are the same request.
    const again = await order(
      { payType: 'NATIVE', description: '订阅 sub-7', amount: 2_001 },
      asErp({ 'Idempotency-Key': 'order-2001' }),
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.orderNo).toBe(first.body.orderNo);
    expect(again.body.codeUrl).toBe(first.body.codeUrl);

    const other = await order({ ...body, amount: 2_002 }, asErp({ 'Idempotency-Key': 'order-2001' }));
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED', orderNo: first.body.orderNo });
    expect(await ordersOfAmount(2_002)).toEqual([]);

    // Keys belong to one API key: another system's same key is its own.
    const till = await order(body, { Authorization: `Bearer ${TILL_KEY}`, 'Idempotency-Key': 'order-2001' });
    expect(till.status).toBe(201);
    expect(till.body.orderNo).not.toBe(first.body.orderNo);
    expect(till.headers.get('idempotent-replayed')).toBeNull();
    expect((await ordersOfAmount(2_001)).map((o) => o.orderNo).sort()).toEqual(
      [first.body.orderNo, till.body.orderNo].sort(),
    );
  });

  it('concurrent requests with one key create one order, and every one answers it', async () => {
    const body = { amount: 3_003, description: 'race', merchantReference: 'RACE-1', payType: 'NATIVE' };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => order(body, asErp({ 'Idempotency-Key': 'race-key-1' }))),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const numbers = new Set(answers.map((a) => a.body.orderNo));
    expect(numbers.size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(answers.every((a) => a.body.codeUrl)).toBe(true);
    expect((await ordersOfAmount(3_003)).map((o) => o.orderNo)).toEqual([...numbers]);
    // The repeats waited for the first request's prepay instead of asking WeChat again.
    const prepays = demo.simulator.ctx.apiCalls
      .list({ limit: 1000 })
      .filter((call) => call.outTradeNo === [...numbers][0] && call.path.endsWith('/native'));
    expect(prepays).toHaveLength(1);
  });

  it('a key lasts 24 h: after that the same key and body make a new order', async () => {
    const body = { amount: 4_004, description: 'daily', payType: 'NATIVE' };
    const first = await order(body, asErp({ 'Idempotency-Key': 'daily-key' }));
    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ minutes: 23 * 60 }),
    });
    const within = await order(body, asErp({ 'Idempotency-Key': 'daily-key' }));
    expect(within.body.orderNo).toBe(first.body.orderNo);
    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ minutes: 61 }),
    });
    const later = await order(body, asErp({ 'Idempotency-Key': 'daily-key' }));
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(later.body.orderNo).not.toBe(first.body.orderNo);
  });

  it('a merchant key may order a catalogue product too, and is not held to the shoppers’ per-client limit', async () => {
    let limited = 0;
    for (let i = 0; i < 10 && limited === 0; i++) {
      if ((await order({ productId: 'demo-coffee', payType: 'NATIVE' })).status === 429) limited++;
    }
    expect(limited).toBe(1);
    const created = await order(
      { productId: 'demo-tea', quantity: 2, merchantReference: 'POS-9', payType: 'NATIVE' },
      asErp(),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ productId: 'demo-tea', amount: 13_600, merchantReference: 'POS-9' });
  });
});
