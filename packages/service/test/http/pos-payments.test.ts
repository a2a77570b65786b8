import { expect, it } from 'vitest';
import { adminPeople } from './admin-people.js';
import { eventually, json, readEvents, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

const TILL_KEY = 'mk_till_0123456789abcdefghijklm';

interface PosOrder {
  orderNo: string;
  state: string;
  payType: string;
  apiVersion: string;
  amount: number;
  transactionId?: string;
  wechatError?: { code: string; message: string };
  error?: string;
  message?: string;
}

/**
 * The till against the simulator over real HTTP: `POST /api/pos/payments` answers 202 at once and
 * the micropay job runs WeChat's cashier procedure; the outcome is read from the order's SSE stream
 * and checked against the simulator's own record of the trade — a customer is never charged
 * without a PAID order, and no PAID order is one WeChat reversed.
 */
describeOnEngines('in-store payment codes (POST /api/pos/payments)', (engine) => {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    {
      merchantApiKeys: [{ name: 'till', key: TILL_KEY }],
      pos: { pollMs: 100, deadlineMs: 2_000, storeId: 'SZ-001' },
    },
  );

  const sim = (path: string, init: { method: string; body?: unknown }) =>
    json<Record<string, unknown>>(`${demo.simulator.url}/_sim${path}`, {
      method: init.method,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const codeOf = async (user: string) => {
    const issued = await sim(`/users/${user}/payment-code`, { method: 'POST' });
    expect([200, 201]).toContain(issued.status);
    return issued.body.authCode as string;
  };
  const admin = { Authorization: () => `Bearer ${demo.adminToken}` };
  const pay = (body: Record<string, unknown>, auth = admin.Authorization()) =>
    json<PosOrder>(`${demo.url}/api/pos/payments`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { Authorization: auth },
    });
  const order = async (orderNo: string) => (await json<PosOrder>(`${demo.url}/api/orders/${orderNo}`)).body;
  /** The states the SSE stream shows until it ends (the till's final states end it). */
  const outcome = (orderNo: string) => readEvents(`${demo.url}/api/orders/${orderNo}/events`, () => false);
  const tradeAtWechat = (orderNo: string) =>
    demo.simulator.ctx.trades.find(demo.simulator.merchant.mchid, { outTradeNo: orderNo });
  /** WeChat and the service agree: charged ⇔ PAID, reversed ⇔ REVERSED, never PAID and reversed. */
  const expectAgreement = async (orderNo: string) => {
    const local = await order(orderNo);
    const trade = tradeAtWechat(orderNo);
    const charged = trade?.state === 'SUCCESS' || trade?.state === 'REFUND';
    expect({ local: local.state, wechat: trade?.state ?? 'NONE', charged }).toEqual(
      charged
        ? { local: 'PAID', wechat: trade!.state, charged }
        : { local: expect.stringMatching(/^(PAYERROR|REVERSED)$/), wechat: trade?.state ?? 'NONE', charged },
    );
    return local;
  };
  const faults = (api: Record<string, unknown>[]) => sim('/faults', { method: 'PUT', body: { api } });

  it('refuses a malformed code (400 PAYMENT_CODE_INVALID, masked) and strangers (401); stores nothing', async () => {
    const bad = await pay({ authCode: '284567890123456789', amount: 100 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('PAYMENT_CODE_INVALID');
    expect(bad.body.message).not.toContain('284567890123456789');
    const stranger = await pay({ authCode: await codeOf('alice'), amount: 100 }, 'Bearer nope');
    expect(stranger.status).toBe(401);
    const listed = await json<unknown[]>(`${demo.url}/api/admin/orders?payType=MICROPAY&amount=100`, {
      headers: { Authorization: admin.Authorization() },
    });
    expect(listed.body).toEqual([]);
  });

  it('the pos permission: an operator’s session may take a payment (audited), a viewer’s may not', async () => {
    const people = adminPeople(() => demo);
    const operator = await people.createUser('till.operator', 'operator');
    const viewer = await people.createUser('till.viewer', 'viewer');
    const body = { authCode: await codeOf('alice'), amount: 150 };
    const refused = await people.asUser(
      await people.signIn(viewer.username, viewer.password),
      '/api/pos/payments',
      'POST',
      body,
    );
    expect(refused.status).toBe(403);
    const asOperator = await people.signIn(operator.username, operator.password);
    const noCsrf = await people.asUser(asOperator, '/api/pos/payments', 'POST', body, null);
    expect(noCsrf.status).toBe(403);
    const taken = await people.asUser<PosOrder>(asOperator, '/api/pos/payments', 'POST', body);
    expect(taken.status).toBe(202);
    expect((await outcome(taken.body.orderNo)).states.at(-1)).toBe('PAID');
    const page = await people.audit('action=pos.payment');
    expect(JSON.stringify(page)).toContain(taken.body.orderNo);
  });

  for (const apiVersion of ['v2', 'v3'] as const) {
    it(`${apiVersion}: paid at once — 202 NOTPAY, then PAID by SSE; a merchant key may take it too`, async () => {
      const taken = await pay({
        authCode: await codeOf('alice'),
        amount: 2500,
        apiVersion,
        deviceId: 'TILL-1',
      });
      expect(taken.status).toBe(202);
      expect(taken.body).toMatchObject({ state: 'NOTPAY', payType: 'MICROPAY', amount: 2500, apiVersion });
      const { states, ended } = await outcome(taken.body.orderNo);
      expect(ended).toBe(true);
      expect(states.at(-1)).toBe('PAID');
      expect((await expectAgreement(taken.body.orderNo)).transactionId).toBeDefined();

      const byKey = await pay(
        { authCode: await codeOf('bob'), amount: 300, apiVersion },
        `Bearer ${TILL_KEY}`,
      );
      expect(byKey.status).toBe(202);
      expect((await outcome(byKey.body.orderNo)).states.at(-1)).toBe('PAID');
    });
  }

  it('USERPAYING while the password is typed, then paid (v3) or cancelled (v2)', async () => {
    await sim('/users/alice', { method: 'PATCH', body: { passwordFreeFen: 0 } });
    try {
      for (const [apiVersion, action, final] of [
        ['v3', 'pay', 'PAID'],
        ['v2', 'cancel', 'PAYERROR'],
      ] as const) {
        const taken = await pay({ authCode: await codeOf('alice'), amount: 1800, apiVersion });
        const watched = outcome(taken.body.orderNo);
        await eventually(async () =>
          (await order(taken.body.orderNo)).state === 'USERPAYING' ? true : undefined,
        );
        const answered = await sim(`/orders/${taken.body.orderNo}/password`, {
          method: 'POST',
          body: { action },
        });
        expect(answered.status).toBe(200);
        const { states } = await watched;
        expect(states).toContain('USERPAYING');
        expect(states.at(-1)).toBe(final);
        await expectAgreement(taken.body.orderNo);
      }
    } finally {
      await sim('/users/alice', { method: 'PATCH', body: { passwordFreeFen: 100_000 } });
    }
  });

  it('no password before the deadline → reversed at WeChat (REVOKED) and REVERSED here', async () => {
    await sim('/users/bob', { method: 'PATCH', body: { passwordFreeFen: 0 } });
    try {
      const taken = await pay({ authCode: await codeOf('bob'), amount: 4200, apiVersion: 'v2' });
      const { states } = await outcome(taken.body.orderNo);
      expect(states).toContain('USERPAYING');
      expect(states.at(-1)).toBe('REVERSED');
      expect(tradeAtWechat(taken.body.orderNo)?.state).toBe('REVOKED');
      await expectAgreement(taken.body.orderNo);
    } finally {
      await sim('/users/bob', { method: 'PATCH', body: { passwordFreeFen: 100_000 } });
    }
  });

  it('SYSTEMERROR or BANKERROR after the charge → found by query: PAID once', async () => {
    for (const [api, kind, apiVersion] of [
      ['v3.transactions.codepay', 'SYSTEMERROR', 'v3'],
      ['v2.micropay', 'BANKERROR', 'v2'],
    ] as const) {
      await faults([{ api, kind, after: true, times: 1 }]);
      const taken = await pay({ authCode: await codeOf('alice'), amount: 990, apiVersion });
      expect((await outcome(taken.body.orderNo)).states.at(-1)).toBe('PAID');
      await expectAgreement(taken.body.orderNo);
    }
    await sim('/faults', { method: 'DELETE' });
  });

  it('a lost answer after the charge: PAID if the query finds it in time, else reversed — never both', async () => {
    await faults([{ api: 'v3.transactions.codepay', kind: 'NO_ANSWER', after: true, times: 1 }]);
    try {
      const taken = await pay({ authCode: await codeOf('alice'), amount: 660, apiVersion: 'v3' });
      const { states } = await outcome(taken.body.orderNo);
      expect(['PAID', 'REVERSED']).toContain(states.at(-1));
      await expectAgreement(taken.body.orderNo);
    } finally {
      await sim('/faults', { method: 'DELETE' });
    }
  }, 40_000);

  it('NOTENOUGH, an expired code and a reused code → PAYERROR with WeChat’s code, nothing charged', async () => {
    const poor = await pay({ authCode: await codeOf('carol'), amount: 5000, apiVersion: 'v2' });
    expect((await outcome(poor.body.orderNo)).states.at(-1)).toBe('PAYERROR');
    expect((await expectAgreement(poor.body.orderNo)).wechatError?.code).toBe('NOTENOUGH');

    const stale = await codeOf('alice');
    demo.simulator.ctx.clock.advance(61_000);
    const expired = await pay({ authCode: stale, amount: 100, apiVersion: 'v3' });
    expect((await outcome(expired.body.orderNo)).states.at(-1)).toBe('PAYERROR');
    expect((await expectAgreement(expired.body.orderNo)).wechatError?.code).toMatch(/^AUTH_?CODE_?EXPIRED?$/);

    const once = await codeOf('alice');
    const first = await pay({ authCode: once, amount: 100, apiVersion: 'v3' });
    expect((await outcome(first.body.orderNo)).states.at(-1)).toBe('PAID');
    const again = await pay({ authCode: once, amount: 100, apiVersion: 'v3' });
    expect((await outcome(again.body.orderNo)).states.at(-1)).toBe('PAYERROR');
    expect((await expectAgreement(again.body.orderNo)).wechatError?.code).toMatch(/^AUTH_?CODE_?INVALID$/);
  });

  it('a MICROPAY order is refunded by the refund flow and found by the admin’s filters', async () => {
    const taken = await pay({ authCode: await codeOf('alice'), amount: 1200, apiVersion: 'v3' });
    expect((await outcome(taken.body.orderNo)).states.at(-1)).toBe('PAID');
    const refund = await json<{ state: string; refundNo: string }>(
      `${demo.url}/api/orders/${taken.body.orderNo}/refunds`,
      {
        method: 'POST',
        body: JSON.stringify({ amount: 200, reason: '少找零' }),
        headers: { Authorization: admin.Authorization() },
      },
    );
    expect(refund.status).toBe(201);
    // WeChat settles it now (not after the simulator's few seconds), and notifies.
    const settled = await sim(`/refunds/${demo.simulator.merchant.mchid}/${refund.body.refundNo}/settle`, {
      method: 'POST',
      body: { outcome: 'SUCCESS' },
    });
    expect(settled.status).toBe(200);
    await eventually(async () =>
      (await order(taken.body.orderNo)).state === 'PARTIALLY_REFUNDED' ? true : undefined,
    );
    const listed = await json<{ orderNo: string }[]>(
      `${demo.url}/api/admin/orders?payType=MICROPAY&state=PARTIALLY_REFUNDED`,
      { headers: { Authorization: admin.Authorization() } },
    );
    expect(listed.body.map((o) => o.orderNo)).toContain(taken.body.orderNo);
    const reversed = await json<unknown[]>(`${demo.url}/api/admin/orders?payType=MICROPAY&state=REVERSED`, {
      headers: { Authorization: admin.Authorization() },
    });
    expect(reversed.status).toBe(200);
    const stats = await json(`${demo.url}/api/admin/stats`, {
      headers: { Authorization: admin.Authorization() },
    });
    expect(stats.status).toBe(200);
  });

  it('the day reconciles balanced with its payment codes: paid ones, and one charged then reversed', async () => {
    const paid = await pay({ authCode: await codeOf('alice'), amount: 450, apiVersion: 'v2' });
    expect((await outcome(paid.body.orderNo)).states.at(-1)).toBe('PAID');
    // WeChat charges but answers SYSTEMERROR, and every query fails: at the deadline the till reverses.
    await faults([
      { api: 'v3.transactions.codepay', kind: 'SYSTEMERROR', after: true, times: 1 },
      { api: 'v3.transactions.query', kind: 'SYSTEMERROR' },
    ]);
    const undone = await pay({ authCode: await codeOf('alice'), amount: 650, apiVersion: 'v3' });
    expect((await outcome(undone.body.orderNo)).states.at(-1)).toBe('REVERSED');
    await sim('/faults', { method: 'DELETE' });
    const trade = tradeAtWechat(undone.body.orderNo);
    expect(trade?.state).toBe('REVOKED');
    expect(trade?.paidAt).toBeDefined();

    const clock = demo.simulator.ctx.clock;
    const day = new Date(clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    clock.advance(Date.parse(`${day}T10:05:00+08:00`) + 24 * 3600_000 - clock.now());
    const run = await json<{
      reconciliation: { status: string; billRows: number };
      discrepancies: { kind: string; orderNo: string }[];
    }>(`${demo.url}/api/admin/reconciliations`, {
      method: 'POST',
      body: JSON.stringify({ date: day }),
      headers: { Authorization: admin.Authorization() },
    });
    expect(run.status).toBe(200);
    expect(run.body.discrepancies).toEqual([]);
    expect(run.body.reconciliation.status).toBe('BALANCED');
  });
});
