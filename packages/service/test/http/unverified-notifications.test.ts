import { buildV2PaymentNotification } from '@wechatpay-kit/sdk/testing';
import { beforeAll, expect, it } from 'vitest';
import { KyselyNotificationLog } from '../../src/adapters/persistence/index.js';
import { UNVERIFIED_BODY_LIMIT } from '../../src/domain/index.js';
import { eventually, json, startTestDemo, type TestDemo } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';

type OrderBody = { orderNo: string; state: string; amount: number };
const DAY = 24 * 60 * 60_000;

describeOnEngines('unverified notifications: limited per source, stored bounded, pruned', (engine) => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startTestDemo(engine, {
      trustProxy: true,
      limits: {
        notifyFailures: { max: 5, windowMs: 60_000 },
        unverifiedStored: { max: 8, windowMs: 60_000 },
        unverifiedRetentionDays: 30,
      },
    });
    return () => demo.cleanup();
  });

  const order = async (apiVersion: 'v2' | 'v3') =>
    (
      await json<OrderBody>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion }),
      })
    ).body;
  const forgedV3 = (headers: Record<string, string> = {}) =>
    fetch(`${demo.url}/api/notify/v3`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000)),
        'Wechatpay-Nonce': 'n0nce',
        'Wechatpay-Signature': 'Zm9yZ2Vk',
        'Wechatpay-Serial': demo.simulator.merchant.publicKeyId,
        ...headers,
      },
      body: JSON.stringify({ id: 'forged', event_type: 'TRANSACTION.SUCCESS', padding: 'x'.repeat(60_000) }),
    });
  const unverifiedRows = () =>
    demo.service.database.db
      .selectFrom('notifications_received')
      .select(['raw_body', 'headers', 'outcome'])
      .where('verified', '=', 0)
      .execute();

  it('a flood of forged 60 KB notifications from one source: the first stored cut, the rest 429 and not stored; a correctly signed one from the same source is applied and ACKed', async () => {
    const target = await order('v3');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await forgedV3();
      statuses.push(answer.status);
      expect(await answer.json()).toMatchObject({ code: 'FAIL' });
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429, 429, 429]);
    const v2 = await fetch(`${demo.url}/api/notify/v2`, {
      method: 'POST',
      body: '<xml><sign>00</sign></xml>',
    });
    expect(v2.status).toBe(429);
    expect(await v2.text()).toContain('FAIL');

    const rows = await unverifiedRows();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.raw_body.length).toBeLessThan(UNVERIFIED_BODY_LIMIT + 64);
      expect(row.raw_body).toMatch(/…\[cut: 6\d{4} characters received\]$/);
    }

    // The simulator delivers from the same address the flood came from (no X-Forwarded-For).
    const paid = await json(`${demo.simulator.url}/_sim/orders/${target.orderNo}/pay`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(paid.status).toBe(200);
    await eventually(async () => {
      const { body } = await json<OrderBody>(`${demo.url}/api/orders/${target.orderNo}`);
      return body.state === 'PAID' ? true : undefined;
    });
    const delivered = await eventually(async () => {
      const { body } = await json<Array<{ status: string }>>(
        `${demo.simulator.url}/_sim/notifications?outTradeNo=${target.orderNo}`,
      );
      return body[0]?.status === 'delivered' ? body : undefined;
    });
    expect(delivered).toHaveLength(1);
  });

  it('all sources together store at most the global budget; past it the answer is the usual failure', async () => {
    const statuses: number[] = [];
    for (let source = 1; source <= 3; source++) {
      for (let i = 0; i < 2; i++) {
        statuses.push((await forgedV3({ 'X-Forwarded-For': `198.51.100.${source}` })).status);
      }
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400]);
    expect(await unverifiedRows()).toHaveLength(8);
  });

  it('a verified notification is stored whole, however long', async () => {
    const target = await order('v2');
    const m = demo.simulator.merchant;
    const attach = 'a'.repeat(3 * UNVERIFIED_BODY_LIMIT);
    const xml = buildV2PaymentNotification(
      {
        appid: m.appid,
        mch_id: m.mchid,
        out_trade_no: target.orderNo,
        transaction_id: '4200000000000000000000000777',
        total_fee: target.amount,
        attach,
      },
      m.apiKey,
    );
    const answer = await fetch(`${demo.url}/api/notify/v2`, { method: 'POST', body: xml });
    expect(await answer.text()).toContain('SUCCESS');
    const stored = await demo.service.database.db
      .selectFrom('notifications_received')
      .select(['raw_body', 'verified'])
      .where('order_no', '=', target.orderNo)
      .executeTakeFirstOrThrow();
    expect(Number(stored.verified)).toBe(1);
    expect(stored.raw_body).toBe(xml);
  });

  it('the retention prune deletes unverified notifications older than the retention, never verified ones', async () => {
    const log = new KyselyNotificationLog(demo.service.database.db);
    const now = demo.simulator.ctx.clock.now();
    const entry = (verified: boolean, ageDays: number, orderNo: string) => ({
      apiVersion: 'v2' as const,
      kind: 'payment' as const,
      orderNo,
      rawBody: '<xml/>',
      headers: {},
      verified,
      outcome: verified ? 'applied' : 'rejected: bad sign',
      receivedAt: new Date(now - ageDays * DAY),
    });
    await log.record(entry(false, 31, 'PRUNE-OLD-FORGED'));
    await log.record(entry(false, 29, 'PRUNE-RECENT-FORGED'));
    await log.record(entry(true, 400, 'PRUNE-OLD-GENUINE'));
    expect(await demo.service.pruneNotifications()).toBe(1);
    const kept = async (orderNo: string) => (await log.forOrder(orderNo)).length;
    expect(await kept('PRUNE-OLD-FORGED')).toBe(0);
    expect(await kept('PRUNE-RECENT-FORGED')).toBe(1);
    expect(await kept('PRUNE-OLD-GENUINE')).toBe(1);
    expect(await unverifiedRows()).toHaveLength(9);
  });
});
