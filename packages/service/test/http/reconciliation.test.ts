/**
 * Daily reconciliation end to end: the simulator stages each kind of difference through its control
 * API (a payment whose notification and queries are lost, a refund settled in silence, an order the
 * service never recorded), the database is given the differences only a bug could make (paid here
 * but unknown to WeChat, another amount), the clock moves past the next morning's run, and the
 * durable job reconciles the day against WeChat's v3 bill. Re-runs must change nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';
import { type OrderBody, type RefundBody, startRefundDemo } from './refund-demo.js';

type Totals = {
  payments: number;
  paymentFen: number;
  refunds: number;
  refundFen: number;
  feeFen: number;
  netFen: number;
};
type Report = {
  date: string;
  status: string;
  apiVersion?: string;
  wechat: Totals;
  local: Totals;
  billRows: number;
  billHash?: string;
  fundFlow?: { rows: number; incomeFen: number; expenseFen: number };
  discrepancies: { open: number; repaired: number; resolved: number };
  attempts: number;
};
type Discrepancy = {
  id: number;
  kind: string;
  orderNo: string;
  refundNo?: string;
  resolution: string;
  wechatFen?: number;
  localFen?: number;
  note?: string;
};
type Detail = { reconciliation: Report; discrepancies: Discrepancy[] };

describeOnEngines('daily reconciliation against the v3 bill', reconciliationSuite);

function chinaDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

function reconciliationSuite(engine: TestEngine): void {
  let demo: TestDemo;
  let admin: Record<string, string>;
  let day: string;
  const staged: Record<string, string> = {};

  const sim = (path: string, body?: unknown) =>
    json(
      `${demo.simulator.url}/_sim${path}`,
      body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
    );
  const createOrder = async (productId = 'demo-coffee') =>
    (
      await json<OrderBody>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId, payType: 'NATIVE', apiVersion: 'v3' }),
      })
    ).body;
  const orderState = async (orderNo: string) =>
    (await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body.state;
  const untilState = (orderNo: string, state: string) =>
    eventually(async () => ((await orderState(orderNo)) === state ? true : undefined));
  const detail = async (date: string) =>
    json<Detail & { error?: string }>(`${demo.url}/api/admin/reconciliations/${date}`, { headers: admin });

  beforeAll(async () => {
    ({ demo, admin } = await startRefundDemo(engine));
    day = chinaDay(demo.simulator.ctx.clock.now());

    const normal = await createOrder();
    await sim(`/orders/${normal.orderNo}/pay`, {});
    await untilState(normal.orderNo, 'PAID');
    staged.normal = normal.orderNo;

    const lost = await createOrder();
    expect((await sim(`/orders/${lost.orderNo}/pay`, { lose: true })).status).toBe(200);
    staged.lost = lost.orderNo;

    const unrecorded = await sim('/orders', { amount: 777, outTradeNo: `UNREC${Date.now()}` });
    expect(unrecorded.status).toBe(201);
    staged.unrecorded = (unrecorded.body as { order: { outTradeNo: string } }).order.outTradeNo;

    const refunded = await createOrder();
    await sim(`/orders/${refunded.orderNo}/pay`, {});
    await untilState(refunded.orderNo, 'PAID');
    const refund = await json<RefundBody>(`${demo.url}/api/orders/${refunded.orderNo}/refunds`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ amount: 300, reason: 'reconciliation test' }),
    });
    expect(refund.status).toBe(201);
    const settled = await sim(`/refunds/${demo.simulator.merchant.mchid}/${refund.body.refundNo}/settle`, {
      outcome: 'SUCCESS',
      silent: true,
    });
    expect(settled.status).toBe(200);
    staged.refund = refund.body.refundNo;

    // What only a bug or a forged write could do: paid here with WeChat knowing nothing, and an
    // amount that differs from what WeChat charged.
    const db = demo.service.database.db;
    const ghost = await createOrder();
    await db
      .updateTable('orders')
      .set({ state: 'PAID', paid_at: demo.simulator.ctx.clock.now(), transaction_id: `GHOST${Date.now()}` })
      .where('order_no', '=', ghost.orderNo)
      .execute();
    staged.ghost = ghost.orderNo;
    const changed = await createOrder();
    await sim(`/orders/${changed.orderNo}/pay`, {});
    await untilState(changed.orderNo, 'PAID');
    await db.updateTable('orders').set({ amount_fen: 1 }).where('order_no', '=', changed.orderNo).execute();
    staged.changed = changed.orderNo;

    // The refund's queries fail too, or the refund-query job would settle it before the bill does.
    const faults = await json(`${demo.simulator.url}/_sim/faults`, {
      method: 'PUT',
      body: JSON.stringify({ api: [{ api: 'v3.refunds.query', kind: 'SYSTEMERROR' }] }),
    });
    expect(faults.status).toBe(200);
    // At 09:00 the next morning WeChat is still generating the bill: the day waits, it is not empty.
    const runAt = Date.parse(`${day}T10:00:00+08:00`) + 24 * 3600_000;
    const advanceTo = (ms: number) =>
      sim('/clock/advance', { minutes: Math.ceil((ms - demo.simulator.ctx.clock.now()) / 60_000) });
    await advanceTo(runAt - 3600_000);
    const early = await json<Detail>(`${demo.url}/api/admin/reconciliations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ date: day }),
    });
    expect(early.status).toBe(200);
    expect(early.body.reconciliation).toMatchObject({ status: 'WAITING_FOR_BILL', billRows: 0 });
    expect(early.body.discrepancies).toEqual([]);
    expect(await orderState(staged.lost!)).toBe('NOTPAY');
    // Past the morning's run (10:00 China time): the daily job, and the retry, reconcile it.
    await advanceTo(runAt + 5 * 60_000);
  }, 60_000);
  afterAll(async () => {
    await demo?.cleanup();
  });

  it('the daily job reconciles the day once the bill is out, and classifies every difference', async () => {
    const found = await eventually(async () => {
      const answer = await detail(day);
      return answer.status === 200 && ['BALANCED', 'UNBALANCED'].includes(answer.body.reconciliation.status)
        ? answer.body
        : undefined;
    }, 30_000);
    const byOrder = (orderNo: string) => found.discrepancies.filter((d) => d.orderNo === orderNo);

    expect(found.reconciliation).toMatchObject({ status: 'UNBALANCED', apiVersion: 'v3', billRows: 6 });
    expect(found.reconciliation.billHash).toMatch(/^[0-9a-f]{40}$/);
    expect(byOrder(staged.normal!)).toEqual([]);
    expect(byOrder(staged.lost!)).toMatchObject([{ kind: 'PAID_AT_WECHAT_ONLY', resolution: 'repaired' }]);
    expect(byOrder(staged.unrecorded!)).toMatchObject([
      { kind: 'UNKNOWN_ORDER', resolution: 'open', wechatFen: 777 },
    ]);
    // Its repair queries WeChat, which still fails: left open (for a person, or the re-run below).
    expect(found.discrepancies.filter((d) => d.refundNo === staged.refund)).toMatchObject([
      { kind: 'REFUND_UNSETTLED_HERE', resolution: 'open', wechatFen: 300 },
    ]);
    expect(byOrder(staged.ghost!)).toMatchObject([{ kind: 'MISSING_FROM_BILL', resolution: 'open' }]);
    expect(byOrder(staged.changed!)).toMatchObject([
      { kind: 'AMOUNT_MISMATCH', resolution: 'open', localFen: 1 },
    ]);
    expect(found.reconciliation.discrepancies).toEqual({ open: 4, repaired: 1, resolved: 0 });

    // The repair went through the one path that marks paid, and took.
    expect(await orderState(staged.lost!)).toBe('PAID');

    // WeChat's side: 5 payments (the unrecorded one included) and one refund, fees at 0.6%.
    const { wechat, local } = found.reconciliation;
    expect(wechat.payments).toBe(5);
    expect(wechat.refunds).toBe(1);
    expect(wechat.refundFen).toBe(300);
    expect(wechat.netFen).toBe(wechat.paymentFen - wechat.refundFen - wechat.feeFen);
    expect(local.refundFen).toBe(300);
    expect(found.reconciliation.fundFlow?.rows).toBeGreaterThan(0);
  });

  it('a re-run from the admin repairs what WeChat now answers for, keeping earlier repairs on record', async () => {
    const first = (await detail(day)).body;
    await json(`${demo.simulator.url}/_sim/faults`, { method: 'DELETE' });
    const rerun = await json<Detail>(`${demo.url}/api/admin/reconciliations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ date: day }),
    });
    expect(rerun.status).toBe(200);
    expect(first.reconciliation.attempts).toBeGreaterThanOrEqual(2); // the wait, then the run
    expect(rerun.body.reconciliation.attempts).toBe(first.reconciliation.attempts + 1);
    expect(rerun.body.reconciliation.discrepancies).toEqual({ open: 3, repaired: 2, resolved: 0 });
    const kinds = (d: Detail) => d.discrepancies.map((x) => `${x.kind}:${x.orderNo}:${x.resolution}`).sort();
    const settledNow = (x: string) => x.replace(/^(REFUND_UNSETTLED_HERE:.*):open$/, '$1:repaired');
    expect(kinds(rerun.body)).toEqual(kinds(first).map(settledNow).sort());
    // The same differences keep their records (and ids: no second alert), repaired where WeChat now answers.
    const ids = (d: Detail) => d.discrepancies.map((x) => x.id).sort();
    expect(ids(rerun.body)).toEqual(ids(first));
    expect(rerun.body.reconciliation.wechat).toEqual(first.reconciliation.wechat);
    const refunds = await json<RefundBody[]>(`${demo.url}/api/orders/${byOrderOfRefund(first)}/refunds`, {
      headers: admin,
    });
    expect(refunds.body.find((r) => r.refundNo === staged.refund)?.state).toBe('SUCCESS');

    // Once more, with WeChat's fund-flow bill unavailable: the day is still reconciled (nothing left
    // to repair, nothing recorded twice), and the report says what it lacks.
    await json(`${demo.simulator.url}/_sim/faults`, {
      method: 'PUT',
      body: JSON.stringify({ api: [{ api: 'v3.bills.fundflow', kind: 'HTTP_500' }] }),
    });
    const again = await json<Detail & { reconciliation: { lastError?: string } }>(
      `${demo.url}/api/admin/reconciliations`,
      {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ date: day }),
      },
    );
    await json(`${demo.simulator.url}/_sim/faults`, { method: 'DELETE' });
    expect(kinds(again.body)).toEqual(kinds(rerun.body));
    expect(again.body.reconciliation).toMatchObject({ status: 'UNBALANCED', billRows: 6 });
    expect(again.body.reconciliation.fundFlow).toBeUndefined();
    expect(again.body.reconciliation.lastError).toMatch(/^fund-flow bill unavailable/);

    // Each run an admin asked for is in the audit log (the daily job's are not: no one asked).
    const audit = await json<{
      entries: Array<{ actor: string; action: string; target: string; detail: string }>;
    }>(`${demo.url}/api/admin/audit?action=reconciliation.run`, { headers: admin });
    expect(audit.body.entries.filter((e) => e.target === `day ${day}`)).toHaveLength(3);
    expect(audit.body.entries[0]).toMatchObject({
      actor: 'token',
      detail: expect.stringContaining('3 open'),
    });
  });

  it('lists days, serves the CSV, and refuses days that have not ended or do not exist', async () => {
    const list = await json<Report[]>(`${demo.url}/api/admin/reconciliations?from=${day}&to=${day}`, {
      headers: admin,
    });
    expect(list.body.map((r) => r.date)).toEqual([day]);
    const csv = await fetch(`${demo.url}/api/admin/reconciliations/${day}.csv`, { headers: admin });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toContain('UNKNOWN_ORDER');
    expect(text).toContain(staged.unrecorded!);

    const today = chinaDay(demo.simulator.ctx.clock.now());
    const early = await json<{ error: string }>(`${demo.url}/api/admin/reconciliations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ date: today }),
    });
    expect(early).toMatchObject({ status: 400, body: { error: 'INVALID_DATE' } });
    expect((await detail('2020-02-30')).status).toBe(400);
    expect((await detail('2020-02-03')).body).toMatchObject({ error: 'RECONCILIATION_NOT_FOUND' });
    expect((await json(`${demo.url}/api/admin/reconciliations/${day}`)).status).toBe(401);
  });

  function byOrderOfRefund(found: Detail): string {
    return found.discrepancies.find((d) => d.refundNo === staged.refund)!.orderNo;
  }
}
