import { beforeEach, expect, it } from 'vitest';
import { KyselyOrderRepository, seedDemoProducts } from '../../src/adapters/persistence/index.js';
import { rowMapper } from '../../src/adapters/persistence/row-mapper.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

forEachEngine('KyselyOrderRepository', (database) => {
  let clock: ReturnType<typeof manualClock>;
  let orders: KyselyOrderRepository;

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    clock = manualClock();
    orders = new KyselyOrderRepository(database.db, clock);
  });

  const pendingJobs = (key: string) =>
    database.db.selectFrom('jobs').selectAll().where('key', '=', key).where('done_at', 'is', null).execute();

  it('keeps a mode-1 callback key unique: the same scan cannot create a second order, nor its jobs', async () => {
    const key = 'openid-1/demo-coffee/nonce-1';
    await orders.insertWithJobs({ ...newOrder('M1', clock.now()), mode1CallbackKey: key }, []);
    expect((await orders.findByMode1CallbackKey(key))?.orderNo).toBe('M1');
    const job = { type: 'close-expired', key: 'M2', runAt: new Date(clock.now().getTime() + 60_000) };
    await expect(
      orders.insertWithJobs({ ...newOrder('M2', clock.now()), mode1CallbackKey: key }, [job]),
    ).rejects.toThrow();
    expect(await orders.findByOrderNo('M2')).toBeUndefined();
    expect(await pendingJobs('M2')).toEqual([]);
    // Orders without a key (every mode-2 order) never collide.
    await orders.insertWithJobs(newOrder('N1', clock.now()), []);
    await orders.insertWithJobs(newOrder('N2', clock.now()), []);
    expect(await orders.findByMode1CallbackKey('openid-1/demo-coffee/nonce-2')).toBeUndefined();
  });

  it('inserts the order, its first history row and its jobs together', async () => {
    const created = await orders.insertWithJobs(newOrder('O1', clock.now()), [
      {
        type: 'close-expired',
        key: 'O1',
        runAt: new Date(clock.now().getTime() + 900_000),
        payload: { why: 'timeout' },
      },
    ]);
    expect(created).toMatchObject({
      orderNo: 'O1',
      state: 'NOTPAY',
      amountFen: 1980,
      refundedFen: 0,
      paidAt: null,
    });
    expect(created.createdAt.getTime()).toBe(clock.now().getTime());
    expect(await orders.findByOrderNo('O1')).toEqual(created);
    expect(await orders.history('O1')).toEqual([
      {
        orderNo: 'O1',
        fromState: null,
        toState: 'NOTPAY',
        reason: 'created',
        source: 'api',
        at: clock.now(),
      },
    ]);
    const jobs = await pendingJobs('O1');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      type: 'close-expired',
      run_at: clock.now().getTime() + 900_000,
      attempts: 0,
    });
    expect(JSON.parse(jobs[0]!.payload)).toEqual({ why: 'timeout' });
  });

  it('rolls the order back when writing its jobs fails', async () => {
    await expect(
      orders.insertWithJobs(newOrder('O2', clock.now()), [
        { type: 'close-expired', key: 'O2', runAt: new Date(Number.NaN) },
      ]),
    ).rejects.toThrow();
    expect(await orders.findByOrderNo('O2')).toBeUndefined();
    expect(await orders.history('O2')).toEqual([]);
    expect(await pendingJobs('O2')).toEqual([]);
  });

  it('rolls the jobs back when the order insert fails (duplicate order number)', async () => {
    await orders.insertWithJobs(newOrder('O3', clock.now()), []);
    await expect(
      orders.insertWithJobs(newOrder('O3', clock.now()), [
        { type: 'reconcile', key: 'O3', runAt: clock.now() },
      ]),
    ).rejects.toThrow();
    expect(await pendingJobs('O3')).toEqual([]);
    expect(await orders.history('O3')).toHaveLength(1);
  });

  it('transitions only from the allowed states, recording who and why', async () => {
    await orders.insertWithJobs(newOrder('T1', clock.now()), []);
    clock.advance(60_000);
    const paidAt = clock.now();
    const paid = await orders.transition({
      orderNo: 'T1',
      from: ['NOTPAY', 'PAYERROR'],
      to: 'PAID',
      changes: { transactionId: '4200000001', paidAt },
      reason: 'notification',
      source: 'notify-v3',
    });
    expect(paid).toMatchObject({ state: 'PAID', transactionId: '4200000001', paidAt });
    expect(
      await orders.transition({
        orderNo: 'T1',
        from: ['NOTPAY'],
        to: 'CLOSED',
        reason: 'timeout',
        source: 'job:close-expired',
      }),
    ).toBeUndefined();
    expect(
      await orders.transition({ orderNo: 'nope', from: ['NOTPAY'], to: 'CLOSED', reason: 'x', source: 'x' }),
    ).toBeUndefined();
    expect((await orders.findByOrderNo('T1'))?.state).toBe('PAID');
    const history = await orders.history('T1');
    expect(history.map((h) => [h.fromState, h.toState, h.source])).toEqual([
      [null, 'NOTPAY', 'api'],
      ['NOTPAY', 'PAID', 'notify-v3'],
    ]);
    expect(history[1]?.at).toEqual(paidAt);
  });

  it('with an amount, transitions only an order that costs exactly that', async () => {
    await orders.insertWithJobs(newOrder('A1', clock.now()), []);
    const { amountFen } = (await orders.findByOrderNo('A1'))!;
    const pay = (amount: number) =>
      orders.transition({
        orderNo: 'A1',
        from: ['NOTPAY'],
        to: 'PAID',
        amountFen: amount,
        changes: { transactionId: `TX-A1-${amount}`, paidAt: clock.now() },
        reason: 'notification',
        source: 'notify-v3',
      });

    expect(await pay(amountFen + 1)).toBeUndefined();
    expect(await orders.findByOrderNo('A1')).toMatchObject({ state: 'NOTPAY', transactionId: null });
    expect(await orders.history('A1')).toHaveLength(1);
    expect(await pay(amountFen)).toMatchObject({ state: 'PAID', transactionId: `TX-A1-${amountFen}` });
  });

  it('lets exactly one of two racing transitions win, with one history row', async () => {
    for (let i = 0; i < 10; i++) {
      const orderNo = `RACE${i}`;
      await orders.insertWithJobs(newOrder(orderNo, clock.now()), []);
      const [paid, closed] = await Promise.all([
        orders.transition({
          orderNo,
          from: ['NOTPAY'],
          to: 'PAID',
          changes: { transactionId: `TX${i}`, paidAt: clock.now() },
          reason: 'paid',
          source: 'notify-v2',
        }),
        orders.transition({
          orderNo,
          from: ['NOTPAY'],
          to: 'CLOSED',
          changes: { closedAt: clock.now() },
          reason: 'timeout',
          source: 'job:close-expired',
        }),
      ]);
      expect([paid, closed].filter(Boolean)).toHaveLength(1);
      const winner = (paid ?? closed)!;
      expect((await orders.findByOrderNo(orderNo))?.state).toBe(winner.state);
      const history = await orders.history(orderNo);
      expect(history).toHaveLength(2);
      expect(history[1]?.toState).toBe(winner.state);
    }
  });

  it('logs the notification that caused a change with it, and only for the writer that won', async () => {
    await orders.insertWithJobs(newOrder('N1', clock.now()), []);
    await orders.transition({ orderNo: 'N1', from: ['NOTPAY'], to: 'PAYERROR', reason: 'bank', source: 'x' });
    const notification = (body: string) => ({
      apiVersion: 'v3' as const,
      kind: 'payment' as const,
      orderNo: 'N1',
      rawBody: body,
      headers: { 'wechatpay-serial': 'S1' },
      verified: true,
      outcome: 'applied',
      receivedAt: clock.now(),
    });
    const pay = (body: string) =>
      orders.transition({
        orderNo: 'N1',
        from: ['NOTPAY', 'PAYERROR'],
        to: 'PAID',
        changes: { transactionId: '4200000009', paidAt: clock.now() },
        reason: 'notification',
        source: 'notify-v3',
        notification: notification(body),
      });
    const results = await Promise.all([pay('{"first":1}'), pay('{"second":2}')]);

    expect(results.filter(Boolean)).toHaveLength(1);
    const logged = await database.db.selectFrom('notifications_received').selectAll().execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ order_no: 'N1', outcome: 'applied', verified: 1 });
    expect(['{"first":1}', '{"second":2}']).toContain(logged[0]?.raw_body);
    expect(JSON.parse(logged[0]!.headers)).toEqual({ 'wechatpay-serial': 'S1' });
    // With two possible origins, the history row still names the one the order really left.
    expect((await orders.history('N1')).map((h) => [h.fromState, h.toState])).toEqual([
      [null, 'NOTPAY'],
      ['NOTPAY', 'PAYERROR'],
      ['PAYERROR', 'PAID'],
    ]);
  });

  it('writes the jobs a change promises in its transaction: only for the winner, never the change without them', async () => {
    await orders.insertWithJobs(newOrder('F1', clock.now()), []);
    const pay = (runAt: Date) =>
      orders.transition({
        orderNo: 'F1',
        from: ['NOTPAY', 'PAYERROR'],
        to: 'PAID',
        changes: { transactionId: '4200000010', paidAt: clock.now() },
        reason: 'notification',
        source: 'notify-v3',
        jobs: [{ type: 'fulfil', key: 'F1', runAt, payload: { orderNo: 'F1' } }],
      });
    // A job that cannot be written takes the state change down with it.
    await expect(pay(new Date(Number.NaN))).rejects.toThrow();
    expect((await orders.findByOrderNo('F1'))?.state).toBe('NOTPAY');
    expect(await orders.history('F1')).toHaveLength(1);
    expect(await pendingJobs('F1')).toEqual([]);

    const runAt = new Date(clock.now().getTime() + 60_000);
    const results = await Promise.all([pay(runAt), pay(runAt), pay(runAt)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const jobs = await pendingJobs('F1');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: 'fulfil', run_at: runAt.getTime(), payload: '{"orderNo":"F1"}' });

    // The delivery is recorded once, and completes the job in the same transaction.
    expect(await orders.markFulfilled('F1', clock.now())).toBe(true);
    expect(await pendingJobs('F1')).toEqual([]);
    expect(await orders.markFulfilled('F1', clock.now())).toBe(false);
    expect((await orders.findByOrderNo('F1'))?.fulfilledAt).toEqual(clock.now());
  });

  it('never joins or reads into a transaction someone else has open on the connection', async () => {
    await orders.insertWithJobs(newOrder('J1', clock.now()), []);
    let pending: [Promise<unknown>, Promise<unknown>] | undefined;
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('orders')
          .values(rowMapper.fromNewOrder(newOrder('J2', clock.now()), 'NOTPAY', clock.now()))
          .execute();
        pending = [
          orders.transition({ orderNo: 'J1', from: ['NOTPAY'], to: 'CLOSED', reason: 'r', source: 's' }),
          orders.findByOrderNo('J2'),
        ];
        throw new Error('roll back');
      })
      .catch(() => {});
    const [closed, uncommitted] = await Promise.all(pending!);

    expect(closed).toMatchObject({ orderNo: 'J1', state: 'CLOSED' });
    expect(uncommitted).toBeUndefined();
    expect((await orders.findByOrderNo('J1'))?.state).toBe('CLOSED');
    expect(await orders.findByOrderNo('J2')).toBeUndefined();
  });

  it('refuses a second order with the same transaction id', async () => {
    await orders.insertWithJobs(newOrder('U1', clock.now()), []);
    await orders.insertWithJobs(newOrder('U2', clock.now()), []);
    const pay = (orderNo: string) =>
      orders.transition({
        orderNo,
        from: ['NOTPAY'],
        to: 'PAID',
        changes: { transactionId: 'SAME', paidAt: clock.now() },
        reason: 'paid',
        source: 'notify-v3',
      });
    await pay('U1');
    await expect(pay('U2')).rejects.toThrow();
    expect((await orders.findByOrderNo('U2'))?.state).toBe('NOTPAY');
    expect(await orders.history('U2')).toHaveLength(1);
  });

  it('keeps history in the order things happened, even within one millisecond', async () => {
    await orders.insertWithJobs(newOrder('H1', clock.now()), []);
    await orders.transition({
      orderNo: 'H1',
      from: ['NOTPAY'],
      to: 'PAID',
      changes: { paidAt: clock.now() },
      reason: 'a',
      source: 's',
    });
    await orders.transition({ orderNo: 'H1', from: ['PAID'], to: 'REFUNDING', reason: 'b', source: 's' });
    await orders.transition({
      orderNo: 'H1',
      from: ['REFUNDING'],
      to: 'PARTIALLY_REFUNDED',
      changes: { refundedFen: 500 },
      reason: 'c',
      source: 's',
    });
    await orders.transition({
      orderNo: 'H1',
      from: ['PARTIALLY_REFUNDED', 'PAID'],
      to: 'REFUNDING',
      reason: 'd',
      source: 's',
    });
    const history = await orders.history('H1');
    expect(history.map((h) => `${h.fromState}>${h.toState}:${h.reason}`)).toEqual([
      'null>NOTPAY:created',
      'NOTPAY>PAID:a',
      'PAID>REFUNDING:b',
      'REFUNDING>PARTIALLY_REFUNDED:c',
      'PARTIALLY_REFUNDED>REFUNDING:d',
    ]);
    expect((await orders.findByOrderNo('H1'))?.refundedFen).toBe(500);
  });

  it('records a prepay, or the WeChat error, and clears the error once a prepay succeeds', async () => {
    await orders.insertWithJobs(newOrder('P1', clock.now()), []);
    await orders.recordPrepay('P1', { errorCode: 'SYSTEMERROR', errorMessage: '系统繁忙' });
    expect(await orders.findByOrderNo('P1')).toMatchObject({
      wechatErrorCode: 'SYSTEMERROR',
      wechatErrorMessage: '系统繁忙',
      codeUrl: null,
    });
    const stored = await orders.recordPrepay('P1', { codeUrl: 'weixin://wxpay/bizpayurl?pr=abc' });
    expect(stored).toMatchObject({
      orderNo: 'P1',
      codeUrl: 'weixin://wxpay/bizpayurl?pr=abc',
      prepayId: null,
      wechatErrorCode: null,
      wechatErrorMessage: null,
    });
    expect(await orders.findByOrderNo('P1')).toEqual(stored);
    expect(await orders.recordPrepay('nope', { codeUrl: 'weixin://wxpay/bizpayurl?pr=x' })).toBeUndefined();
  });

  it('marks an order fulfilled exactly once, even when asked concurrently', async () => {
    await orders.insertWithJobs(newOrder('F1', clock.now()), []);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => orders.markFulfilled('F1', clock.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await orders.findByOrderNo('F1'))?.fulfilledAt).toEqual(clock.now());
    clock.advance(1000);
    expect(await orders.markFulfilled('F1', clock.now())).toBe(false);
    expect((await orders.findByOrderNo('F1'))?.fulfilledAt?.getTime()).toBe(clock.now().getTime() - 1000);
    expect(await orders.markFulfilled('missing', clock.now())).toBe(false);
  });

  it('lists newest first, filtered by state, paged with before and limit', async () => {
    for (let i = 1; i <= 5; i++) {
      await orders.insertWithJobs(newOrder(`L${i}`, clock.now()), []);
      clock.advance(1000);
    }
    await orders.transition({ orderNo: 'L2', from: ['NOTPAY'], to: 'CLOSED', reason: 'x', source: 'x' });
    await orders.transition({ orderNo: 'L4', from: ['NOTPAY'], to: 'CLOSED', reason: 'x', source: 'x' });
    expect((await orders.list()).map((o) => o.orderNo)).toEqual(['L5', 'L4', 'L3', 'L2', 'L1']);
    expect((await orders.list({ state: 'CLOSED' })).map((o) => o.orderNo)).toEqual(['L4', 'L2']);
    expect((await orders.list({ limit: 2 })).map((o) => o.orderNo)).toEqual(['L5', 'L4']);
    const l3 = await orders.findByOrderNo('L3');
    expect((await orders.list({ before: l3!.createdAt })).map((o) => o.orderNo)).toEqual(['L2', 'L1']);
  });

  it('refuses a transition the order table does not have, and writes nothing', async () => {
    await orders.insertWithJobs(newOrder('T1', clock.now()), []);
    await orders.transition({ orderNo: 'T1', from: ['NOTPAY'], to: 'CLOSED', reason: 'x', source: 'x' });
    await expect(
      orders.transition({ orderNo: 'T1', from: ['NOTPAY', 'CLOSED'], to: 'PAID', reason: 'y', source: 'y' }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await orders.findByOrderNo('T1'))?.state).toBe('CLOSED');
    expect(await orders.history('T1')).toHaveLength(2);
  });
});
