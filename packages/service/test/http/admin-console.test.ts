import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildV2PaymentNotification } from '@wechatpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../../src/service-app.js';
import { eventually, json, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

type AdminOrder = {
  orderNo: string;
  state: string;
  amount: number;
  payType: string;
  apiVersion: string;
  createdAt: string;
  paidAt?: string;
  transactionId?: string;
  openid?: string;
  payerOpenid?: string;
};
type Detail = {
  order: AdminOrder;
  history: { fromState: string | null; toState: string; source: string; reason: string }[];
  notifications: { verified: boolean; outcome: string; rawBody: string; headers: Record<string, string> }[];
};
type Bucket = {
  start: string;
  paidAmount: number;
  paidOrders: number;
  createdOrders: number;
  refunds: number;
  refundedAmount: number;
  fee: number;
  net: number;
};

describeOnEngines('admin console API', adminConsoleSuite);

function adminConsoleSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  const admin = <T>(path: string, init: RequestInit = {}) =>
    json<T>(`${demo.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${demo.adminToken}`, ...(init.headers ?? {}) },
    });
  const sim = <T>(path: string, method = 'GET', body?: unknown) =>
    json<T>(`${demo.simulator.url}/_sim${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (body: Record<string, unknown>) => {
    const created = await json<AdminOrder>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    return created.body;
  };
  const stateOf = async (orderNo: string) =>
    (await admin<Detail>(`/api/admin/orders/${orderNo}`)).body.order.state;
  const payAtWechat = async (orderNo: string, user = 'alice') => {
    const paid = await sim(`/orders/${orderNo}/pay`, 'POST', { user });
    expect(paid.status).toBe(200);
  };
  const search = async (query: string) => {
    const { status, body } = await admin<AdminOrder[]>(`/api/admin/orders?${query}`);
    expect(status).toBe(200);
    return body;
  };

  it('every admin route answers 401 without the token, and changes nothing', async () => {
    const order = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const routes: [string, string][] = [
      ['GET', '/api/admin/orders'],
      ['GET', `/api/admin/orders/${order.orderNo}`],
      ['POST', `/api/admin/orders/${order.orderNo}/query`],
      ['POST', `/api/admin/orders/${order.orderNo}/notifications/resend`],
      ['GET', '/api/admin/stats?bucket=hour'],
    ];
    for (const [method, path] of routes) {
      for (const authorization of [undefined, 'Bearer wrong-token']) {
        const response = await json(`${demo.url}${path}`, {
          method,
          headers: authorization ? { Authorization: authorization } : {},
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.body).toMatchObject({ error: 'UNAUTHORIZED' });
      }
    }
    const detail = await admin<Detail>(`/api/admin/orders/${order.orderNo}`);
    expect(detail.body.history.map((h) => h.toState)).toEqual(['NOTPAY']);
  });

  it('filters by state, pay type, version and dates; searches order number prefix, transaction id and openid', async () => {
    const openid = demo.simulator.ctx.users.openid('alice', demo.simulator.merchant.appid);
    const v2 = await create({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v2' });
    const jsapi = await create({ productId: 'demo-tea', payType: 'JSAPI', apiVersion: 'v3', openid });
    await payAtWechat(jsapi.orderNo);
    await eventually(async () => ((await stateOf(jsapi.orderNo)) === 'PAID' ? true : undefined));
    const paid = (await admin<Detail>(`/api/admin/orders/${jsapi.orderNo}`)).body.order;
    expect(paid.transactionId).toBeTruthy();
    expect(paid.openid).toBe(openid);

    const numbers = (orders: AdminOrder[]) => orders.map((o) => o.orderNo);
    expect(numbers(await search(`q=${paid.transactionId}`))).toEqual([jsapi.orderNo]);
    expect(numbers(await search(`q=${encodeURIComponent(openid)}`))).toEqual([jsapi.orderNo]);
    expect(numbers(await search(`q=${v2.orderNo}`))).toEqual([v2.orderNo]);
    // A Native order carries no openid until WeChat reports who paid it.
    const bob = demo.simulator.ctx.users.openid('bob', demo.simulator.merchant.appid);
    expect(await search(`q=${encodeURIComponent(bob)}`)).toEqual([]);
    await payAtWechat(v2.orderNo, 'bob');
    await eventually(async () => ((await stateOf(v2.orderNo)) === 'PAID' ? true : undefined));
    const paidByBob = await search(`q=${encodeURIComponent(bob)}`);
    expect(paidByBob.map((o) => [o.orderNo, o.openid, o.payerOpenid])).toEqual([
      [v2.orderNo, undefined, bob],
    ]);
    // A prefix matches; the same characters elsewhere in the number do not.
    const prefixHits = await search(`q=${v2.orderNo.slice(0, -2)}`);
    expect(numbers(prefixHits)).toContain(v2.orderNo);
    expect(prefixHits.every((o) => o.orderNo.startsWith(v2.orderNo.slice(0, -2)))).toBe(true);
    expect(await search(`q=${v2.orderNo.slice(2)}`)).toEqual([]);
    expect(await search('q=4200000000-no-such-transaction')).toEqual([]);

    const paidOnes = await search('state=PAID');
    expect(numbers(paidOnes)).toContain(jsapi.orderNo);
    expect(paidOnes.every((o) => o.state === 'PAID')).toBe(true);
    const jsapiOnes = await search('payType=JSAPI');
    expect(numbers(jsapiOnes)).toEqual([jsapi.orderNo]);
    const v2Ones = await search('apiVersion=v2');
    expect(numbers(v2Ones)).toContain(v2.orderNo);
    expect(v2Ones.every((o) => o.apiVersion === 'v2')).toBe(true);
    expect(await search('apiVersion=v2&payType=JSAPI')).toEqual([]);

    const from = encodeURIComponent(v2.createdAt);
    const inRange = numbers(await search(`from=${from}`));
    expect(inRange).toEqual(expect.arrayContaining([v2.orderNo, jsapi.orderNo]));
    expect(numbers(await search(`to=${from}`))).not.toContain(v2.orderNo);
    const later = new Date(Date.parse(jsapi.createdAt) + 1).toISOString();
    expect(numbers(await search(`from=${encodeURIComponent(later)}`))).not.toContain(jsapi.orderNo);

    for (const bad of [
      'state=SHIPPED',
      'payType=CASH',
      'limit=0',
      'from=yesterday',
      'before=x',
      'sort=amount',
    ]) {
      const response = await admin(`/api/admin/orders?${bad}`);
      expect(response.status, bad).toBe(400);
      expect(response.body).toMatchObject({ error: 'VALIDATION_FAILED' });
    }
  });

  it('pages with limit and before, newest first, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i += 1) await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const all = await search('limit=200');
    const seen: string[] = [];
    let before = '';
    for (;;) {
      const page = await search(`limit=2${before ? `&before=${before}` : ''}`);
      seen.push(...page.map((o) => o.orderNo));
      if (page.length < 2) break;
      before = page.at(-1)!.orderNo;
    }
    expect(seen).toEqual(all.map((o) => o.orderNo));
    expect(all.length).toBeGreaterThanOrEqual(5);
    const times = all.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('detail shows the history and every notification, a forged one with verified false', async () => {
    const order = await create({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v2' });
    const m = demo.simulator.merchant;
    const forged = buildV2PaymentNotification(
      {
        appid: m.appid,
        mch_id: m.mchid,
        out_trade_no: order.orderNo,
        transaction_id: '4200000000000000000000000099',
        total_fee: order.amount,
      },
      'x'.repeat(32),
    );
    const answer = await fetch(`${demo.url}/api/notify/v2`, {
      method: 'POST',
      body: forged,
      headers: { 'Content-Type': 'text/xml' },
    });
    expect(await answer.text()).toContain('FAIL');
    expect(await stateOf(order.orderNo)).toBe('NOTPAY');

    await payAtWechat(order.orderNo);
    const detail = await eventually(async () => {
      const { body } = await admin<Detail>(`/api/admin/orders/${order.orderNo}`);
      return body.order.state === 'PAID' && body.notifications.length === 2 ? body : undefined;
    });
    expect(detail.history.map((h) => [h.fromState, h.toState, h.source])).toEqual([
      [null, 'NOTPAY', 'api'],
      ['NOTPAY', 'PAID', 'notify-v2'],
    ]);
    const [rejected, genuine] = detail.notifications;
    expect(rejected).toMatchObject({ verified: false, rawBody: forged });
    expect(rejected!.outcome).toMatch(/^rejected/);
    expect(genuine).toMatchObject({ verified: true, outcome: 'applied' });
    expect(genuine!.rawBody).toContain(`<out_trade_no><![CDATA[${order.orderNo}]]></out_trade_no>`);

    const missing = await admin('/api/admin/orders/NO_SUCH_ORDER_1');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'ORDER_NOT_FOUND' });
  });

  it("detail lists the order's refunds and the refund notification, with the order PARTIALLY_REFUNDED", async () => {
    const order = await create({ productId: 'demo-tea', payType: 'NATIVE' });
    await payAtWechat(order.orderNo);
    await eventually(async () => ((await stateOf(order.orderNo)) === 'PAID' ? true : undefined));
    const refund = await admin<{ refundNo: string; amount: number }>(`/api/orders/${order.orderNo}/refunds`, {
      method: 'POST',
      body: JSON.stringify({ amount: 1000, reason: 'admin console test' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(refund.status).toBe(201);
    // Settled by hand once the service has recorded the refund as PROCESSING, as WeChat would later.
    await eventually(async () => {
      const { body } = await admin<{ refunds: { state: string }[] }>(`/api/admin/orders/${order.orderNo}`);
      return body.refunds[0]?.state === 'PROCESSING' ? true : undefined;
    });
    const { mchid } = demo.simulator.merchant;
    const settled = await sim(`/refunds/${mchid}/${refund.body.refundNo}/settle`, 'POST', {
      outcome: 'SUCCESS',
    });
    expect(settled.status).toBe(200);
    const detail = await eventually(async () => {
      const { body } = await admin<
        Detail & { refunds: { refundNo: string; state: string; amount: number }[] }
      >(`/api/admin/orders/${order.orderNo}`);
      return body.order.state === 'PARTIALLY_REFUNDED' ? body : undefined;
    }, 15_000);
    expect(detail.refunds).toMatchObject([
      { refundNo: refund.body.refundNo, amount: 1000, state: 'SUCCESS' },
    ]);
    expect(detail.history.map((h) => h.toState)).toEqual([
      'NOTPAY',
      'PAID',
      'REFUNDING',
      'PARTIALLY_REFUNDED',
    ]);
  });

  it('"query WeChat now" turns a paid-but-unnotified order PAID; resend delivers the dropped notification', async () => {
    const order = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const unchanged = await admin<{ tradeState: string; outcome: string; order: AdminOrder }>(
      `/api/admin/orders/${order.orderNo}/query`,
      { method: 'POST' },
    );
    expect(unchanged.body).toMatchObject({
      tradeState: 'NOTPAY',
      outcome: 'UNCHANGED',
      order: { state: 'NOTPAY' },
    });

    expect((await sim('/faults', 'PUT', { notify: { dropProbability: 1 } })).status).toBe(200);
    try {
      await payAtWechat(order.orderNo);
      await eventually(async () => {
        const { body } = await sim<{ lastAttempt?: { fault?: string } }[]>(
          `/notifications?outTradeNo=${order.orderNo}`,
        );
        return body[0]?.lastAttempt?.fault === 'dropped' ? true : undefined;
      });
    } finally {
      await sim('/faults', 'DELETE');
    }
    expect(await stateOf(order.orderNo)).toBe('NOTPAY');

    const queried = await admin<{ tradeState: string; outcome: string; order: AdminOrder }>(
      `/api/admin/orders/${order.orderNo}/query`,
      { method: 'POST' },
    );
    expect(queried.status).toBe(200);
    expect(queried.body).toMatchObject({ tradeState: 'SUCCESS', outcome: 'PAID', order: { state: 'PAID' } });
    expect(queried.body.order.transactionId).toBeTruthy();
    const detail = (await admin<Detail>(`/api/admin/orders/${order.orderNo}`)).body;
    expect(detail.history.at(-1)).toMatchObject({ fromState: 'NOTPAY', toState: 'PAID', source: 'admin' });
    expect(detail.notifications).toEqual([]);

    const resent = await admin<{ acked: boolean; status: string; httpStatus?: number }>(
      `/api/admin/orders/${order.orderNo}/notifications/resend`,
      { method: 'POST' },
    );
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ acked: true, status: 'delivered', httpStatus: 204 });
    const after = (await admin<Detail>(`/api/admin/orders/${order.orderNo}`)).body;
    expect(after.notifications).toMatchObject([{ verified: true, outcome: 'duplicate' }]);
    expect(after.history).toHaveLength(detail.history.length);

    const never = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    const nothing = await admin(`/api/admin/orders/${never.orderNo}/notifications/resend`, {
      method: 'POST',
    });
    expect(nothing.status).toBe(409);
    expect(nothing.body).toMatchObject({ error: 'NOTHING_TO_RESEND' });
  });

  it('stats: per hour and per China-time day, sums match the orders, empty buckets present', async () => {
    // Move the simulated clock to 23:58 China time (15:58 UTC), then create and pay one order on
    // each side of midnight.
    const DAY = 86_400_000;
    const now = (await sim<{ now: number }>('/clock')).body.now;
    const nextMidnight = Math.floor((now + 8 * 3_600_000) / DAY) * DAY + DAY - 8 * 3_600_000;
    await sim('/clock/advance', 'POST', { ms: nextMidnight - 2 * 60_000 - now });
    const before = await create({ productId: 'demo-coffee', payType: 'NATIVE' });
    await payAtWechat(before.orderNo);
    await eventually(async () => ((await stateOf(before.orderNo)) === 'PAID' ? true : undefined));
    await sim('/clock/advance', 'POST', { minutes: 4 });
    const after = await create({ productId: 'demo-tea', quantity: 2, payType: 'NATIVE' });
    await payAtWechat(after.orderNo);
    await eventually(async () => ((await stateOf(after.orderNo)) === 'PAID' ? true : undefined));
    const unpaid = await create({ productId: 'demo-coffee', payType: 'NATIVE' });

    const range = `from=${new Date(nextMidnight - 3 * DAY).toISOString()}&to=${new Date(nextMidnight + DAY).toISOString()}`;
    const days = (await admin<Bucket[]>(`/api/admin/stats?bucket=day&${range}`)).body;
    expect(days.map((b) => b.start)).toEqual(
      [3, 2, 1, 0].map((d) => new Date(nextMidnight - d * DAY).toISOString()),
    );
    expect(days.at(-1)).toEqual({
      start: new Date(nextMidnight).toISOString(),
      paidAmount: after.amount,
      paidOrders: 1,
      createdOrders: 2,
      refunds: 0,
      refundedAmount: 0,
      fee: 0, // the day has no bill yet
      net: after.amount,
    });
    // Every bucket as the orders themselves say, computed here from the order list.
    const orders = await search('limit=200');
    const expected = days.map((bucket) => {
      const start = Date.parse(bucket.start);
      const inBucket = (iso?: string) =>
        iso !== undefined && Date.parse(iso) >= start && Date.parse(iso) < start + DAY;
      const paid = orders.filter((o) => inBucket(o.paidAt));
      return {
        start: bucket.start,
        paidAmount: paid.reduce((sum, o) => sum + o.amount, 0),
        paidOrders: paid.length,
        createdOrders: orders.filter((o) => inBucket(o.createdAt)).length,
      };
    });
    expect(
      days.map(({ start, paidAmount, paidOrders, createdOrders }) => ({
        start,
        paidAmount,
        paidOrders,
        createdOrders,
      })),
    ).toEqual(expected);
    expect(days.at(-2)!.paidOrders).toBeGreaterThanOrEqual(1);

    // Hours over the whole range hold the same totals as days.
    const hours = (await admin<Bucket[]>(`/api/admin/stats?bucket=hour&${range}`)).body;
    expect(hours).toHaveLength(4 * 24);
    const total = (buckets: Bucket[], key: keyof Omit<Bucket, 'start'>) =>
      buckets.reduce((sum, b) => sum + b[key], 0);
    for (const key of [
      'paidAmount',
      'paidOrders',
      'createdOrders',
      'refunds',
      'refundedAmount',
      'fee',
      'net',
    ] as const) {
      expect(total(hours, key), key).toBe(total(days, key));
    }
    const midnightHour = hours.find((b) => b.start === new Date(nextMidnight).toISOString());
    expect(midnightHour).toMatchObject({
      start: new Date(nextMidnight).toISOString(),
      paidAmount: after.amount,
      paidOrders: 1,
      createdOrders: 2,
    });
    expect(unpaid.state).toBe('NOTPAY');

    for (const bad of [
      'bucket=week',
      `bucket=hour&from=${new Date(nextMidnight).toISOString()}&to=${new Date(nextMidnight - 1).toISOString()}`,
    ]) {
      const response = await admin(`/api/admin/stats?${bad}`);
      expect(response.status, bad).toBe(400);
    }
    const tooWide = await admin(
      `/api/admin/stats?bucket=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(tooWide.body).toMatchObject({ error: 'INVALID_RANGE' });
  });
}

describe('notification resend without the simulator', () => {
  it('answers 501 NOT_AVAILABLE: WeChat Pay has no resend API', async () => {
    const demo = await startTestDemo('sqlite');
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-admin-'));
    const service = await createServiceApp({
      ...demo.service.config,
      demo: undefined,
      dataDir,
      port: 0,
    });
    try {
      const response = await service.app.inject({
        method: 'POST',
        url: '/api/admin/orders/ANY_ORDER_1/notifications/resend',
        headers: { Authorization: `Bearer ${demo.adminToken}` },
      });
      expect(response.statusCode).toBe(501);
      expect(response.json()).toMatchObject({ error: 'NOT_AVAILABLE' });
      expect(response.json().message).toMatch(/query WeChat now/);
    } finally {
      await service.stop();
      await demo.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
