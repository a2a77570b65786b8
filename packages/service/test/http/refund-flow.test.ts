import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';
import { type OrderBody, type RefundBody, startRefundDemo } from './refund-demo.js';

type SimRefund = { outRefundNo: string; refundFen: number; status: string };

describeOnEngines('refunds over HTTP', refundFlowSuite);

function refundFlowSuite(engine: TestEngine): void {
  let demo: TestDemo;
  let admin: Record<string, string>;

  beforeAll(async () => {
    ({ demo, admin } = await startRefundDemo(engine));
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  const order = async (orderNo: string) => (await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body;
  const refundsOf = async (orderNo: string) =>
    (await json<RefundBody[]>(`${demo.url}/api/orders/${orderNo}/refunds`, { headers: admin })).body;
  const requestRefund = (orderNo: string, body: Record<string, unknown>, headers = admin) =>
    json<RefundBody & { error?: string }>(`${demo.url}/api/orders/${orderNo}/refunds`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers,
    });
  const simRefunds = async (outRefundNo: string) =>
    (await json<SimRefund[]>(`${demo.simulator.url}/_sim/refunds`)).body.filter(
      (r) => r.outRefundNo === outRefundNo,
    );
  const settle = (refundNo: string, outcome: 'SUCCESS' | 'ABNORMAL' | 'CLOSED') =>
    json(`${demo.simulator.url}/_sim/refunds/${demo.simulator.merchant.mchid}/${refundNo}/settle`, {
      method: 'POST',
      body: JSON.stringify({ outcome }),
    });
  const untilOrder = (orderNo: string, state: string) =>
    eventually(async () => {
      const o = await order(orderNo);
      return o.state === state ? o : undefined;
    });
  const untilRefund = (orderNo: string, refundNo: string, state: string) =>
    eventually(async () =>
      (await refundsOf(orderNo)).find((r) => r.refundNo === refundNo && r.state === state),
    );

  async function paidOrder(apiVersion: 'v2' | 'v3', productId = 'demo-coffee'): Promise<OrderBody> {
    const created = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId, payType: 'NATIVE', apiVersion }),
    });
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl!)!, 'alice');
    return untilOrder(created.body.orderNo, 'PAID');
  }

  for (const apiVersion of ['v3', 'v2'] as const) {
    it(`${apiVersion}: a full refund goes PROCESSING at WeChat, then REFUNDED by its notification`, async () => {
      const paid = await paidOrder(apiVersion);
      const answer = await requestRefund(paid.orderNo, { amount: paid.amount, reason: 'customer asked' });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        orderNo: paid.orderNo,
        amount: paid.amount,
        state: 'PROCESSING',
        apiVersion,
      });
      expect(answer.body.wechatRefundId).toBeTruthy();
      expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDING', refundedAmount: 0 });
      expect(await simRefunds(answer.body.refundNo)).toMatchObject([
        { refundFen: paid.amount, status: 'PROCESSING' },
      ]);

      await settle(answer.body.refundNo, 'SUCCESS');
      await untilRefund(paid.orderNo, answer.body.refundNo, 'SUCCESS');
      expect(await untilOrder(paid.orderNo, 'REFUNDED')).toMatchObject({ refundedAmount: paid.amount });

      const history = await demo.service.database.db
        .selectFrom('order_history')
        .select(['from_state', 'to_state', 'source'])
        .where('order_no', '=', paid.orderNo)
        .orderBy('id')
        .execute();
      expect(history.map((h) => h.to_state)).toEqual(['NOTPAY', 'PAID', 'REFUNDING', 'REFUNDED']);
      expect(history.at(-1)?.source).toBe(`notify-${apiVersion}`);
      // The notification is logged right after it is applied: wait for the row.
      const logged = await eventually(async () => {
        const rows = await demo.service.database.db
          .selectFrom('notifications_received')
          .select(['kind', 'verified', 'outcome'])
          .where('order_no', '=', paid.orderNo)
          .where('kind', '=', 'refund')
          .orderBy('id')
          .execute();
        return rows.length > 0 ? rows : undefined;
      });
      // Applied once; a resend (had WeChat not seen the ACK in time) would only add duplicates.
      expect(logged[0]).toEqual({ kind: 'refund', verified: 1, outcome: 'applied' });
      expect(logged.slice(1).every((row) => row.outcome === 'duplicate')).toBe(true);
    });

    it(`${apiVersion}: two partial refunds: PARTIALLY_REFUNDED, then REFUNDED`, async () => {
      const paid = await paidOrder(apiVersion);
      const first = await requestRefund(paid.orderNo, { amount: 300 });
      expect(first.status).toBe(201);
      await settle(first.body.refundNo, 'SUCCESS');
      expect(await untilOrder(paid.orderNo, 'PARTIALLY_REFUNDED')).toMatchObject({ refundedAmount: 300 });

      const rest = await requestRefund(paid.orderNo, { amount: paid.amount - 300 });
      expect(rest.status).toBe(201);
      expect((await order(paid.orderNo)).state).toBe('REFUNDING');
      await settle(rest.body.refundNo, 'SUCCESS');
      expect(await untilOrder(paid.orderNo, 'REFUNDED')).toMatchObject({ refundedAmount: paid.amount });
      expect((await refundsOf(paid.orderNo)).map((r) => r.state)).toEqual(['SUCCESS', 'SUCCESS']);
    });
  }

  it('over the balance → 409 REFUND_EXCEEDS_PAID and nothing changes', async () => {
    const paid = await paidOrder('v3');
    const first = await requestRefund(paid.orderNo, { amount: paid.amount - 100 });
    expect(first.status).toBe(201);
    const before = await order(paid.orderNo);
    const over = await requestRefund(paid.orderNo, { amount: 101 });
    expect(over.status).toBe(409);
    expect(over.body.error).toBe('REFUND_EXCEEDS_PAID');
    expect(await order(paid.orderNo)).toEqual(before);
    expect(await refundsOf(paid.orderNo)).toHaveLength(1);
    const row = await demo.service.database.db
      .selectFrom('orders')
      .select('refund_reserved_fen')
      .where('order_no', '=', paid.orderNo)
      .executeTakeFirstOrThrow();
    expect(Number(row.refund_reserved_fen)).toBe(paid.amount - 100);
    const exact = await requestRefund(paid.orderNo, { amount: 100 });
    expect(exact.status).toBe(201);
  });

  it('concurrent refunds never exceed what was paid: 6 × 30% → exactly 3 accepted', async () => {
    const paid = await paidOrder('v3', 'demo-tea');
    const part = Math.floor(paid.amount * 0.3);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => requestRefund(paid.orderNo, { amount: part })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error === 'REFUND_EXCEEDS_PAID')).toBe(
      true,
    );
    expect(answers.filter((a) => a.status === 409)).toHaveLength(3);
    const row = await demo.service.database.db
      .selectFrom('orders')
      .select(['refund_reserved_fen', 'amount_fen'])
      .where('order_no', '=', paid.orderNo)
      .executeTakeFirstOrThrow();
    expect(Number(row.refund_reserved_fen)).toBe(3 * part);
    expect(await refundsOf(paid.orderNo)).toHaveLength(3);
    const atWechat = (await json<SimRefund[]>(`${demo.simulator.url}/_sim/refunds`)).body.filter((r) =>
      answers.some((a) => a.body.refundNo === r.outRefundNo),
    );
    expect(atWechat).toHaveLength(3);
  });

  it('the same refundNo twice is one refund at WeChat; another amount → 409 REFUND_CONFLICT', async () => {
    const paid = await paidOrder('v2');
    const refundNo = `retry${Date.now()}`;
    const first = await requestRefund(paid.orderNo, { amount: 200, refundNo });
    const again = await requestRefund(paid.orderNo, { amount: 200, refundNo });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ refundNo, amount: 200, state: first.body.state });
    const conflict = await requestRefund(paid.orderNo, { amount: 300, refundNo });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('REFUND_CONFLICT');
    expect(await simRefunds(refundNo)).toHaveLength(1);
    expect(await refundsOf(paid.orderNo)).toHaveLength(1);
  });

  it('refunds need the admin token; an unpaid order is not refundable', async () => {
    const paid = await paidOrder('v3');
    const anonymous = await requestRefund(paid.orderNo, { amount: 100 }, {});
    expect(anonymous.status).toBe(401);
    const wrong = await requestRefund(
      paid.orderNo,
      { amount: 100 },
      { Authorization: 'Bearer nope-nope-nope-nope' },
    );
    expect(wrong.status).toBe(401);
    expect((await json(`${demo.url}/api/admin/refunds`)).status).toBe(401);
    expect((await order(paid.orderNo)).state).toBe('PAID');

    const unpaid = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    const refused = await requestRefund(unpaid.body.orderNo, { amount: 100 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('ORDER_NOT_REFUNDABLE');
    expect(await refundsOf(unpaid.body.orderNo)).toEqual([]);
    expect((await order(unpaid.body.orderNo)).state).toBe('NOTPAY');
    const missing = await requestRefund('NOSUCHORDER1', { amount: 100 });
    expect(missing.status).toBe(404);
    const zero = await requestRefund(paid.orderNo, { amount: 0 });
    expect(zero.status).toBe(400);
  });

  it('the admin list filters by state', async () => {
    const { status, body } = await json<RefundBody[]>(
      `${demo.url}/api/admin/refunds?state=SUCCESS&limit=50`,
      {
        headers: admin,
      },
    );
    expect(status).toBe(200);
    expect(body.length).toBeGreaterThan(0);
    expect(body.every((r) => r.state === 'SUCCESS')).toBe(true);
  });
}
