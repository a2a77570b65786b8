import { signV3Response } from '@wechatpay-kit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type Order } from '../../src/domain/index.js';
import { JobRunner } from '../../src/jobs/index.js';
import { FulfilOrder, MarkPaid } from '../../src/use-cases/index.js';
import { PaymentHarness } from './support/payment-harness.js';

/** Rules of the use cases that do not depend on the API version or the database engine. */
describe('order use-case rules (SQLite, simulator)', () => {
  let h: PaymentHarness;
  let hookFailures = 0;
  const hookCalls: string[] = [];

  beforeAll(async () => {
    h = await PaymentHarness.start({
      engine: 'sqlite',
      fulfil: (order: Order) => {
        hookCalls.push(order.orderNo);
        if (hookFailures > 0) {
          hookFailures--;
          throw new Error('warehouse unreachable');
        }
      },
    });
  });
  afterAll(async () => h?.stop());

  const create = (input: Partial<Parameters<typeof h.createOrder.execute>[0]>) =>
    h.createOrder.execute({ productId: 'demo-coffee', payType: 'NATIVE', clientIp: '127.0.0.1', ...input });

  async function domainCode(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }

  it('refuses unknown products, too-large quantities for the stock and bad quantities', async () => {
    expect(await domainCode(create({ productId: 'no-such-product' }))).toBe('PRODUCT_NOT_FOUND');
    expect(await domainCode(create({ productId: 'demo-keyboard', quantity: 21 }))).toBe(
      'PRODUCT_UNAVAILABLE',
    );
    for (const quantity of [0, 100, 1.5, -1]) {
      expect(await domainCode(create({ quantity }))).toBe('INVALID_AMOUNT');
    }
    expect(await h.deps.orders.list()).toHaveLength(0);
  });

  it('needs an openid for JSAPI and mini-program orders, and gets a prepay_id with one', async () => {
    expect(await domainCode(create({ payType: 'JSAPI' }))).toBe('OPENID_REQUIRED');
    expect(await domainCode(create({ payType: 'MINIPROGRAM' }))).toBe('OPENID_REQUIRED');
    const openid = h.sim.ctx.users.openid('alice', h.sim.merchant.appid);
    for (const apiVersion of ['v2', 'v3'] as const) {
      const order = await create({ payType: 'JSAPI', openid, apiVersion });
      expect(order.prepayId).toBeTruthy();
      expect(order.codeUrl).toBeNull();
      expect(order.openid).toBe(openid);
    }
  });

  it('mini-program orders are made under the mini-program appid, and their notifications accepted', async () => {
    const { miniProgramAppid } = h.sim.merchant;
    const openid = h.sim.ctx.users.openid('bob', miniProgramAppid);
    for (const apiVersion of ['v2', 'v3'] as const) {
      const order = await create({ payType: 'MINIPROGRAM', openid, apiVersion });
      expect(order.wechatErrorMessage ?? null).toBe(null);
      const trade = h.sim.ctx.trades.lookup(order.prepayId!)!;
      expect(trade.appid).toBe(miniProgramAppid);
      h.sim.ctx.trades.pay(trade, 'bob');
      expect((await h.deps.gateway.query(order)).tradeState).toBe('SUCCESS');
      await h.waitFor(async () => (await h.order(order.orderNo)).state === 'PAID', 'PAID');
      const log = await h.deps.notifications.forOrder(order.orderNo);
      expect(log.map((n) => n.outcome)).toEqual(['applied']);
    }
  });

  it('computes the amount from the product price, never from the client', async () => {
    const order = await create({ productId: 'demo-tea', quantity: 3, apiVersion: 'v2' });
    expect(order.amountFen).toBe(3 * 6800);
    expect(h.sim.ctx.trades.lookup(order.orderNo)!.totalFen).toBe(20400);
  });

  it('refuses an order lifetime under 5 minutes (WeChat closes orders only after 5 min)', async () => {
    const { CreateOrder } = await import('../../src/use-cases/index.js');
    expect(() => new CreateOrder(h.deps, { orderLifetimeMs: 4 * 60_000 })).toThrow(/5 minutes/);
  });

  it('gives every order a distinct out_trade_no of WeChat’s alphabet', async () => {
    const { newOrderNo } = await import('../../src/use-cases/index.js');
    const at = new Date('2026-11-22T12:00:00Z');
    const numbers = new Set(Array.from({ length: 2000 }, () => newOrderNo(at)));
    expect(numbers.size).toBe(2000);
    for (const n of numbers) expect(n).toMatch(/^20261122200000[0-9A-Za-z]{10}$/);
  });

  it('a failed fulfilment leaves the order PAID and undelivered; the fulfil job written with PAID runs it again, once', async () => {
    hookFailures = 1;
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    const order = await create({ apiVersion: 'v3' });
    h.pay(order, 'bob');
    const found = await h.reconcile.execute({ orderNo: order.orderNo, attempt: 1 });
    expect(found.outcome).toBe('PAID');
    expect(found.order?.payerOpenid).toBe(h.sim.ctx.users.openid('bob', h.sim.merchant.appid));
    await h.waitFor(() => hookCalls.includes(order.orderNo), 'the first, failing delivery');
    const paid = await h.order(order.orderNo);
    expect(paid.state).toBe('PAID');
    expect(paid.fulfilledAt).toBeNull();
    const [job] = (await h.jobs(order.orderNo)).filter((j) => j.type === 'fulfil');
    expect(job?.key).toBe(order.orderNo);
    expect(job!.runAt).toBeGreaterThan(h.deps.clock.now().getTime() + 50_000); // the retry waits a minute

    const runner = new JobRunner({
      db: h.database.db,
      dialect: h.database.dialect,
      clock: h.deps.clock,
      workerId: 'rules-worker',
      handlers: { fulfil: async (j) => void (await new FulfilOrder(h.deps).execute({ orderNo: j.key })) },
    });
    expect(await runner.runDueOnce()).toBe(0);
    h.sim.ctx.clock.advance(60_000);
    expect(await runner.runDueOnce()).toBe(1);
    expect((await h.order(order.orderNo)).fulfilledAt).not.toBeNull();
    expect(hookCalls.filter((n) => n === order.orderNo)).toHaveLength(2);
    h.sim.ctx.clock.advance(3_600_000);
    expect(await runner.runDueOnce()).toBe(0);
    expect(await h.reconcile.execute({ orderNo: order.orderNo })).toMatchObject({ outcome: 'SETTLED' });
    expect(hookCalls.filter((n) => n === order.orderNo)).toHaveLength(2);
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
  });

  it('the payment writes the fulfil job in its own transaction; the delivery completes it', async () => {
    const order = await create({ apiVersion: 'v2' });
    const result = await h.markPaid.execute({
      orderNo: order.orderNo,
      transactionId: null,
      paidAt: new Date(),
      source: 'test',
      reason: 't',
    });
    expect(result.applied).toBe(true);
    await result.fulfilment;
    const rows = await h.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', 'fulfil')
      .where('key', '=', order.orderNo)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.done_at).not.toBeNull();
    expect((await h.order(order.orderNo)).fulfilledAt).not.toBeNull();
    expect(hookCalls.filter((n) => n === order.orderNo)).toHaveLength(1);
  });

  it('without a fulfilment hook, the change to PAID also records the delivery', async () => {
    const { fulfil: _hook, ...deps } = h.deps;
    const markPaid = new MarkPaid(deps);
    const order = await create({ apiVersion: 'v3' });
    const input = {
      orderNo: order.orderNo,
      transactionId: null,
      paidAt: new Date(),
      source: 'test',
      reason: 't',
    };
    const result = await markPaid.execute(input);
    expect(result.applied).toBe(true);
    const paid = await h.order(order.orderNo);
    expect(paid.state).toBe('PAID');
    expect(paid.fulfilledAt).not.toBeNull();
    expect((await h.jobs(order.orderNo)).map((j) => j.type)).not.toContain('fulfil');
    expect((await markPaid.execute(input)).applied).toBe(false);
    expect(hookCalls).not.toContain(order.orderNo);
  });

  it('close before expiry reschedules instead of closing; RetryPrepay refuses settled orders', async () => {
    const order = await create({ apiVersion: 'v2' });
    const early = await h.closeExpired.execute({ orderNo: order.orderNo });
    expect(early.outcome).toBe('RESCHEDULED');
    expect((await h.order(order.orderNo)).state).toBe('NOTPAY');
    expect(h.sim.ctx.trades.lookup(order.orderNo)!.state).toBe('NOTPAY');

    h.sim.ctx.clock.advance(16 * 60_000);
    expect((await h.closeExpired.execute({ orderNo: order.orderNo })).outcome).toBe('CLOSED');
    expect(await domainCode(h.retryPrepay.execute({ orderNo: order.orderNo }))).toBe('INVALID_TRANSITION');
    expect(await domainCode(h.retryPrepay.execute({ orderNo: 'nope' }))).toBe('ORDER_NOT_FOUND');
  });

  it('an order WeChat never created (prepay failed) closes on timeout without error', async () => {
    h.sim.ctx.faults.setApiFaults([{ api: 'v3.transactions.native', kind: 'HTTP_500' }]);
    const order = await create({ apiVersion: 'v3' });
    h.sim.ctx.faults.setApiFaults([]);
    expect(order.wechatErrorCode).not.toBeNull();
    expect(h.sim.ctx.trades.lookup(order.orderNo)).toBeUndefined();
    h.sim.ctx.clock.advance(16 * 60_000);
    expect((await h.closeExpired.execute({ orderNo: order.orderNo })).outcome).toBe('CLOSED');
    expect((await h.order(order.orderNo)).state).toBe('CLOSED');
  });

  it('v3 notifications with a stale timestamp are rejected and logged, the order untouched', async () => {
    const order = await create({ apiVersion: 'v3' });
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
    h.pay(order);
    // The real notification, delivered ten minutes after it was signed (a replay): timestamps are
    // real time, so it is re-signed ten real minutes in the past.
    const record = h.sim.ctx.notifier.list({ outTradeNo: order.orderNo })[0]!;
    const stale = signV3Response(record.body, { ...h.v3Signer(), now: () => Date.now() - 10 * 60_000 });
    const sent = { headers: { ...record.headers, ...stale }, body: record.body };
    const result = await h.handleNotification.execute({
      apiVersion: 'v3',
      headers: sent.headers,
      rawBody: sent.body,
    });
    expect(result).toMatchObject({ ack: false, outcome: 'rejected' });
    expect(result.message).toMatch(/timestamp|stale|skew/i);
    expect((await h.order(order.orderNo)).state).toBe('NOTPAY');
    h.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
  });
});
