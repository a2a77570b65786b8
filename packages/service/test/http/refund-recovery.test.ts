import { buildV2RefundNotification, signV3Response } from '@wechatpay-kit/sdk/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { eventually, json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';
import { type OrderBody, type RefundBody, startRefundDemo } from './refund-demo.js';

describeOnEngines('refund notifications and the refund-query job', refundRecoverySuite);

/**
 * What must not break a refund: forged, tampered and replayed notifications, a notification that
 * never arrives, an ABNORMAL outcome, and WeChat failing while the refund is created.
 */
function refundRecoverySuite(engine: TestEngine): void {
  let demo: TestDemo;
  let admin: Record<string, string>;

  beforeAll(async () => {
    ({ demo, admin } = await startRefundDemo(engine));
  });
  afterEach(async () => {
    await fetch(`${demo.simulator.url}/_sim/faults`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  const simPut = (path: string, body: unknown) =>
    json(`${demo.simulator.url}${path}`, { method: 'PUT', body: JSON.stringify(body) });
  const order = async (orderNo: string) => (await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body;
  const refund = async (orderNo: string) =>
    (await json<RefundBody[]>(`${demo.url}/api/orders/${orderNo}/refunds`, { headers: admin })).body[0]!;
  const requestRefund = (orderNo: string, amount: number) =>
    json<RefundBody>(`${demo.url}/api/orders/${orderNo}/refunds`, {
      method: 'POST',
      body: JSON.stringify({ amount, reason: 'test' }),
      headers: admin,
    });
  const settle = (refundNo: string, outcome: 'SUCCESS' | 'ABNORMAL' | 'CLOSED') =>
    json(`${demo.simulator.url}/_sim/refunds/${demo.simulator.merchant.mchid}/${refundNo}/settle`, {
      method: 'POST',
      body: JSON.stringify({ outcome }),
    });
  const simRefunds = async (outRefundNo: string) =>
    (await json<{ outRefundNo: string; status: string }[]>(`${demo.simulator.url}/_sim/refunds`)).body.filter(
      (r) => r.outRefundNo === outRefundNo,
    );
  const untilRefund = (orderNo: string, state: string) =>
    eventually(async () => {
      const r = await refund(orderNo);
      return r.state === state ? r : undefined;
    });
  const notificationsOf = (refundNo: string) =>
    demo.simulator.ctx.notifier.list().filter((n) => n.outRefundNo === refundNo);
  const received = (orderNo: string) =>
    demo.service.database.db
      .selectFrom('notifications_received')
      .select(['verified', 'outcome'])
      .where('order_no', '=', orderNo)
      .where('kind', '=', 'refund')
      .orderBy('id')
      .execute();
  const rejectedCount = async () =>
    Number(
      (
        await demo.service.database.db
          .selectFrom('notifications_received')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'refund')
          .where('verified', '=', 0)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const orderHistory = (orderNo: string) =>
    demo.service.database.db
      .selectFrom('order_history')
      .select(['from_state', 'to_state', 'reason', 'source'])
      .where('order_no', '=', orderNo)
      .orderBy('id')
      .execute();
  async function metric(state: string): Promise<number> {
    const text = await (await fetch(`${demo.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`wxpay_refunds_total{state="${state}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }
  /** Moves the simulated clock past the next refund-query and runs the due jobs. */
  async function runRefundQueries(): Promise<void> {
    demo.simulator.ctx.clock.advance(61_000);
    await demo.service.jobs.runDueOnce();
  }

  async function paidOrder(apiVersion: 'v2' | 'v3'): Promise<OrderBody> {
    const created = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion }),
    });
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl!)!, 'bob');
    return eventually(async () => {
      const o = await order(created.body.orderNo);
      return o.state === 'PAID' ? o : undefined;
    });
  }

  async function refunding(apiVersion: 'v2' | 'v3'): Promise<{ paid: OrderBody; refundNo: string }> {
    const paid = await paidOrder(apiVersion);
    const answer = await requestRefund(paid.orderNo, paid.amount);
    expect(answer.status).toBe(201);
    return { paid, refundNo: answer.body.refundNo };
  }

  for (const apiVersion of ['v3', 'v2'] as const) {
    it(`${apiVersion}: a replayed refund notification is ACKed and changes nothing`, async () => {
      const { paid, refundNo } = await refunding(apiVersion);
      await settle(refundNo, 'SUCCESS');
      await untilRefund(paid.orderNo, 'SUCCESS');
      const history = await orderHistory(paid.orderNo);
      // Logged right after it was applied: wait for the row.
      const logged = await eventually(async () => {
        const rows = await received(paid.orderNo);
        return rows.length > 0 ? rows : undefined;
      });
      const [genuine] = notificationsOf(refundNo);
      const replay = await fetch(`${demo.url}/api/notify/${apiVersion}/refund`, {
        method: 'POST',
        body: genuine!.body,
        headers: apiVersion === 'v3' ? freshV3Headers(genuine!.body) : { 'Content-Type': 'text/xml' },
      });
      expect(replay.status).toBeLessThan(300);
      if (apiVersion === 'v2') expect(await replay.text()).toContain('SUCCESS');
      expect(await orderHistory(paid.orderNo)).toEqual(history);
      expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDED', refundedAmount: paid.amount });
      expect(logged[0]?.outcome).toBe('applied');
      expect((await received(paid.orderNo)).slice(logged.length)).toEqual([
        { verified: 1, outcome: 'duplicate' },
      ]);
    });
  }

  it('v3: a notification with a bad signature, or a valid signature over a broken GCM tag, is rejected', async () => {
    const { paid, refundNo } = await refunding('v3');
    demo.simulator.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    await settle(refundNo, 'SUCCESS');
    const genuine = await eventually(async () => notificationsOf(refundNo)[0]);
    const before = await rejectedCount();

    const badSignature = await fetch(`${demo.url}/api/notify/v3/refund`, {
      method: 'POST',
      body: genuine.body,
      headers: {
        ...freshV3Headers(genuine.body),
        'Wechatpay-Signature': Buffer.alloc(256, 1).toString('base64'),
      },
    });
    expect(badSignature.status).toBe(400);
    expect(await badSignature.json()).toMatchObject({ code: 'FAIL' });

    const envelope = JSON.parse(genuine.body) as { resource: { ciphertext: string } };
    const bytes = Buffer.from(envelope.resource.ciphertext, 'base64');
    bytes[bytes.length - 1]! ^= 0xff;
    envelope.resource.ciphertext = bytes.toString('base64');
    const tampered = JSON.stringify(envelope);
    const badTag = await fetch(`${demo.url}/api/notify/v3/refund`, {
      method: 'POST',
      body: tampered,
      headers: freshV3Headers(tampered),
    });
    expect(badTag.status).toBe(400);

    expect(await rejectedCount()).toBe(before + 2);
    expect(await refund(paid.orderNo)).toMatchObject({ state: 'PROCESSING' });
    expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDING', refundedAmount: 0 });
  });

  it('v2: req_info under another key, or altered, is rejected and changes nothing', async () => {
    const { paid, refundNo } = await refunding('v2');
    const m = demo.simulator.merchant;
    const info = {
      transaction_id: '4200000000000000000000000009',
      out_trade_no: paid.orderNo,
      refund_id: '50000000000000000000000001',
      out_refund_no: refundNo,
      total_fee: paid.amount,
      refund_fee: paid.amount,
    };
    const forged = buildV2RefundNotification(info, 'k'.repeat(32), { appid: m.appid, mch_id: m.mchid });
    const genuine = buildV2RefundNotification(info, m.apiKey, { appid: m.appid, mch_id: m.mchid });
    // One cipher block fewer: what is left ends in XML text, never in valid PKCS#7 padding.
    const altered = genuine.replace(/<req_info><!\[CDATA\[(.*?)\]\]>/, (_all, reqInfo: string) => {
      const bytes = Buffer.from(reqInfo, 'base64');
      return `<req_info><![CDATA[${bytes.subarray(0, bytes.length - 16).toString('base64')}]]>`;
    });
    expect(altered).not.toBe(genuine);
    const before = await rejectedCount();
    for (const body of [forged, altered]) {
      const answer = await fetch(`${demo.url}/api/notify/v2/refund`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/xml' },
      });
      expect(await answer.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    }
    expect(await rejectedCount()).toBe(before + 2);
    expect(await refund(paid.orderNo)).toMatchObject({ state: 'PROCESSING' });
    expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDING', refundedAmount: 0 });

    // Genuine in form, but WeChat has not settled it: the outcome applied is WeChat's answer, not the message.
    const premature = await fetch(`${demo.url}/api/notify/v2/refund`, {
      method: 'POST',
      body: genuine,
      headers: { 'Content-Type': 'text/xml' },
    });
    expect(await premature.text()).toContain('SUCCESS');
    expect(await refund(paid.orderNo)).toMatchObject({ state: 'PROCESSING' });
    expect((await received(paid.orderNo)).at(-1)?.outcome).toBe('ignored: WeChat says PROCESSING');
  });

  for (const apiVersion of ['v3', 'v2'] as const) {
    it(`${apiVersion}: a lost notification is made up by the refund-query job`, async () => {
      const { paid, refundNo } = await refunding(apiVersion);
      demo.simulator.ctx.faults.setNotifyFaults({ dropProbability: 1 });
      await settle(refundNo, 'SUCCESS');
      await eventually(async () => (notificationsOf(refundNo).length > 0 ? true : undefined));
      expect(await refund(paid.orderNo)).toMatchObject({ state: 'PROCESSING' });

      await runRefundQueries();
      await untilRefund(paid.orderNo, 'SUCCESS');
      expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDED', refundedAmount: paid.amount });
      expect((await orderHistory(paid.orderNo)).at(-1)).toMatchObject({
        to_state: 'REFUNDED',
        source: 'job:refund-query',
      });
      demo.simulator.ctx.faults.setNotifyFaults({ dropProbability: 0 });
    });
  }

  it('an ABNORMAL refund is surfaced: state, error text, order history and metric', async () => {
    const { paid, refundNo } = await refunding('v3');
    const abnormalBefore = await metric('ABNORMAL');
    await settle(refundNo, 'ABNORMAL');
    const abnormal = await untilRefund(paid.orderNo, 'ABNORMAL');
    expect(abnormal.errorCode).toBe('ABNORMAL');
    expect(abnormal.errorMessage).toMatch(/re-route/);
    expect(await metric('ABNORMAL')).toBe(abnormalBefore + 1);
    // Nothing was paid back: the order is PAID again, its history says why, and the money stays reserved.
    expect(await order(paid.orderNo)).toMatchObject({ state: 'PAID', refundedAmount: 0 });
    expect((await orderHistory(paid.orderNo)).at(-1)).toMatchObject({
      from_state: 'REFUNDING',
      to_state: 'PAID',
      reason: `refund ${refundNo} ABNORMAL`,
    });
    const more = await requestRefund(paid.orderNo, 1);
    expect(more.status).toBe(409);
    const list = await json<RefundBody[]>(`${demo.url}/api/admin/refunds?state=ABNORMAL`, { headers: admin });
    expect(list.body.map((r) => r.refundNo)).toContain(refundNo);
  });

  it('an ABNORMAL refund stays watched: once re-routed at WeChat, a slow query settles it even without a notification', async () => {
    const { paid, refundNo } = await refunding('v3');
    await settle(refundNo, 'ABNORMAL');
    await untilRefund(paid.orderNo, 'ABNORMAL');
    await runRefundQueries();
    expect(await refund(paid.orderNo)).toMatchObject({ state: 'ABNORMAL' });

    demo.simulator.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    try {
      expect((await settle(refundNo, 'SUCCESS')).status).toBe(200);
      expect(await simRefunds(refundNo)).toMatchObject([{ status: 'SUCCESS' }]);
      demo.simulator.ctx.clock.advance(6 * 3_600_000 + 1_000);
      await demo.service.jobs.runDueOnce();
      await untilRefund(paid.orderNo, 'SUCCESS');
      expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDED', refundedAmount: paid.amount });
    } finally {
      demo.simulator.ctx.faults.setNotifyFaults({ dropProbability: 0 });
    }
  });

  it('a CLOSED refund gives its money back to the order', async () => {
    const { paid, refundNo } = await refunding('v2');
    await settle(refundNo, 'CLOSED');
    await untilRefund(paid.orderNo, 'CLOSED');
    expect(await order(paid.orderNo)).toMatchObject({ state: 'PAID', refundedAmount: 0 });
    const again = await requestRefund(paid.orderNo, paid.amount);
    expect(again.status).toBe(201);
  });

  for (const [apiVersion, api] of [
    ['v3', 'v3.refunds.create'],
    ['v2', 'v2.refund'],
  ] as const) {
    it(`${apiVersion}: SYSTEMERROR on create leaves the refund PENDING; the job resubmits the same out_refund_no`, async () => {
      const paid = await paidOrder(apiVersion);
      // The SDK retries twice itself; three faults outlast its attempts.
      await simPut('/_sim/faults', { api: [{ api, kind: 'SYSTEMERROR', times: 3 }] });
      const answer = await requestRefund(paid.orderNo, 500);
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        state: 'PENDING',
        errorCode: expect.stringMatching(/SYSTEM_?ERROR/),
      });
      expect(await simRefunds(answer.body.refundNo)).toEqual([]);
      expect((await order(paid.orderNo)).state).toBe('REFUNDING');

      await runRefundQueries();
      const processing = await untilRefund(paid.orderNo, 'PROCESSING');
      expect(processing.refundNo).toBe(answer.body.refundNo);
      expect(await simRefunds(answer.body.refundNo)).toHaveLength(1);
      // Still open: the job queried once and queued its next run, backing off.
      const pending = await demo.service.database.db
        .selectFrom('jobs')
        .select(['payload', 'run_at'])
        .where('type', '=', 'refund-query')
        .where('done_at', 'is', null)
        .execute();
      const next = pending.map((j) => JSON.parse(j.payload)).find((p) => p.refundNo === answer.body.refundNo);
      expect(next).toEqual({ refundNo: answer.body.refundNo, attempt: 2 });
      await settle(answer.body.refundNo, 'SUCCESS');
      await untilRefund(paid.orderNo, 'SUCCESS');
      expect(await order(paid.orderNo)).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedAmount: 500 });
    });
  }

  it('WeChat refusing for good (more than is left there) makes the refund FAILED and frees its money', async () => {
    const { paid, refundNo } = await refunding('v3');
    await settle(refundNo, 'SUCCESS');
    await untilRefund(paid.orderNo, 'SUCCESS');
    // Make WeChat and the service disagree: the order is fully refunded at WeChat, yet a stale
    // reservation here would still allow 1 fen — simulate it by freeing the reservation by hand.
    await demo.service.database.db
      .updateTable('orders')
      .set({
        refund_reserved_fen: paid.amount - 1,
        refunded_fen: paid.amount - 1,
        state: 'PARTIALLY_REFUNDED',
      })
      .where('order_no', '=', paid.orderNo)
      .execute();
    const answer = await requestRefund(paid.orderNo, 1);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ state: 'FAILED', errorCode: 'INVALID_REQUEST' });
    const row = await demo.service.database.db
      .selectFrom('orders')
      .select(['refund_reserved_fen', 'state'])
      .where('order_no', '=', paid.orderNo)
      .executeTakeFirstOrThrow();
    expect({ reserved: Number(row.refund_reserved_fen), state: row.state }).toEqual({
      reserved: paid.amount - 1,
      state: 'PARTIALLY_REFUNDED',
    });
  });

  it('a notification that overtakes the answer to the refund request is applied, not taken for an anomaly', async () => {
    // WeChat settles at once: its notification can arrive while the service is still recording PROCESSING.
    await simPut('/_sim/refunds/behaviour', { settleDelayMs: 0, nextOutcome: 'SUCCESS' });
    try {
      for (let i = 0; i < 3; i++) {
        const { paid } = await refunding('v3');
        await untilRefund(paid.orderNo, 'SUCCESS');
        const outcomes = await eventually(async () => {
          const rows = await received(paid.orderNo);
          return rows.length > 0 ? rows.map((r) => r.outcome) : undefined;
        });
        expect(outcomes[0]).toBe('applied');
        expect(await order(paid.orderNo)).toMatchObject({ state: 'REFUNDED', refundedAmount: paid.amount });
      }
    } finally {
      await simPut('/_sim/refunds/behaviour', { settleDelayMs: 24 * 3600_000, nextOutcome: 'SUCCESS' });
    }
  });

  /** Signs `body` as WeChat Pay would now (the simulator's key, real time). */
  function freshV3Headers(body: string): Record<string, string> {
    const signer = demo.simulator.ctx.merchants.keys(demo.simulator.merchant.mchid).v3Signing;
    return {
      'Content-Type': 'application/json',
      ...signV3Response(body, signer),
    };
  }
}
