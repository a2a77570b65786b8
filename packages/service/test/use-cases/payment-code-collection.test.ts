import { beforeEach, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/index.js';
import {
  KyselyOrderRepository,
  KyselyPaymentCodeStore,
  KyselyProductRepository,
  seedDemoProducts,
} from '../../src/adapters/persistence/index.js';
import {
  CUSTOM_AMOUNT_PRODUCT_ID,
  DomainError,
  MICROPAY_JOB,
  type Order,
  type OrderEvent,
  type PaymentCodeCollectOptions,
  type PaymentCodeGateway,
  type PaymentCodeResult,
  type WechatGateway,
} from '../../src/domain/index.js';
import { JobRunner } from '../../src/jobs/index.js';
import { CollectPaymentCode, CreateOrder, MarkPaid, TakeInStorePayment } from '../../src/use-cases/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

const CODE = '134567890123456789';

/**
 * WeChat as a script, for the use cases' side of the procedure: each `collect` call runs the next
 * script entry, which may report steps before answering. What the SDK procedure itself does with
 * WeChat's answers is tested in the SDK and, end to end, against the simulator.
 */
class ScriptedPaymentCodes implements PaymentCodeGateway {
  readonly calls: { order: Order; options: Omit<PaymentCodeCollectOptions, 'onStep'> }[] = [];
  script: ((options: PaymentCodeCollectOptions) => Promise<PaymentCodeResult>)[] = [];

  async collect(order: Order, options: PaymentCodeCollectOptions): Promise<PaymentCodeResult> {
    const { onStep: _onStep, ...rest } = options;
    this.calls.push({ order, options: rest });
    const next = this.script.shift();
    if (!next) throw new Error('no more script');
    return next(options);
  }
}

const paidNow = (): Promise<PaymentCodeResult> =>
  Promise.resolve({ outcome: 'paid', transactionId: '4200000001', paidAt: new Date(), amountFen: 2500 });

forEachEngine('payment-code orders (TakeInStorePayment + the micropay job)', (database) => {
  let clock: ReturnType<typeof manualClock>;
  let wechat: ScriptedPaymentCodes;
  let take: TakeInStorePayment;
  let runner: JobRunner;
  let events: OrderEvent[];
  let delivered: string[];

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    // The row amounts typed at the till point at (migration 0012 writes it; the test emptied it).
    await database.db
      .insertInto('products')
      .values({
        id: CUSTOM_AMOUNT_PRODUCT_ID,
        name: 'custom',
        description: '',
        price_fen: 0,
        stock: null,
        active: 0,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    clock = manualClock();
    events = [];
    delivered = [];
    const bus = new InProcessEventBus();
    bus.subscribeAll((event) => events.push(event));
    const orders = new KyselyOrderRepository(database.db, clock);
    const deps = {
      orders,
      products: new KyselyProductRepository(database.db),
      gateway: { apiVersions: ['v2', 'v3'] } as unknown as WechatGateway,
      events: bus,
      clock,
      fulfil: (order: Order) => {
        delivered.push(order.orderNo);
      },
    };
    wechat = new ScriptedPaymentCodes();
    take = new TakeInStorePayment(deps, new CreateOrder(deps));
    const collect = new CollectPaymentCode(
      { ...deps, paymentCodes: wechat, codeStore: new KyselyPaymentCodeStore(database.db) },
      new MarkPaid(deps),
      { pollMs: 100, deadlineMs: 2_000 },
    );
    runner = new JobRunner({
      db: database.db,
      dialect: database.dialect,
      clock,
      workerId: 'pos-test',
      handlers: {
        [MICROPAY_JOB]: async (job) => {
          await collect.execute(job.payload as never, job);
        },
      },
    });
  });

  const jobRow = () =>
    database.db.selectFrom('jobs').selectAll().where('type', '=', MICROPAY_JOB).executeTakeFirstOrThrow();
  const stateOf = async (orderNo: string) =>
    (await new KyselyOrderRepository(database.db, clock).findByOrderNo(orderNo))!;
  const history = (orderNo: string) => new KyselyOrderRepository(database.db, clock).history(orderNo);

  it('refuses a malformed code before anything is stored, never echoing it whole', async () => {
    for (const bad of ['', '12345', '284567890123456789', '13456789012345678X', `${CODE}0`]) {
      const refused = await take
        .execute({ authCode: bad, amountFen: 100, clientIp: '10.0.0.1' })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused.code).toBe('PAYMENT_CODE_INVALID');
      if (bad.length > 6) expect(refused.message).not.toContain(bad);
    }
    expect(await database.db.selectFrom('orders').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('stores the order and its job first; paid at once → PAID, delivered once, code gone', async () => {
    const order = await take.execute({
      authCode: CODE,
      amountFen: 2500,
      clientIp: '10.0.0.1',
      deviceId: 'T1',
    });
    expect(order).toMatchObject({
      state: 'NOTPAY',
      payType: 'MICROPAY',
      amountFen: 2500,
      description: '门店收款',
    });
    const job = await jobRow();
    expect(job.key).toBe(order.orderNo);
    expect(JSON.parse(job.payload)).toEqual({ orderNo: order.orderNo, authCode: CODE, deviceId: 'T1' });
    // No close or reconcile job: the micropay job settles the order.
    expect(await database.db.selectFrom('jobs').select('type').execute()).toEqual([{ type: MICROPAY_JOB }]);

    wechat.script.push(paidNow);
    expect(await runner.runDueOnce()).toBe(1);
    expect(wechat.calls[0]!.options).toMatchObject({
      resume: false,
      authCode: CODE,
      deviceId: 'T1',
      pollMs: 100,
    });
    const paid = await stateOf(order.orderNo);
    expect(paid).toMatchObject({ state: 'PAID', transactionId: '4200000001' });
    // Delivered right after PAID (not awaited by the job), once.
    await expect.poll(async () => (await stateOf(order.orderNo)).fulfilledAt).not.toBeNull();
    expect(delivered).toEqual([order.orderNo]);
    expect(events.map((e) => e.state)).toEqual(['PAID']);
    const done = await jobRow();
    expect(done.done_at).not.toBeNull();
    expect(JSON.parse(done.payload)).toEqual({ orderNo: order.orderNo, deviceId: 'T1', started: true });
  });

  it('USERPAYING while the password is typed, then paid; the code is dropped as soon as it was used', async () => {
    const order = await take.execute({
      authCode: CODE,
      productId: 'demo-coffee',
      quantity: 2,
      clientIp: '10.0.0.1',
    });
    let payloadAfterUse: unknown;
    wechat.script.push(async ({ onStep }) => {
      await onStep({ step: 'paying' });
      await onStep({ step: 'code-used' });
      payloadAfterUse = JSON.parse((await jobRow()).payload);
      await onStep({ step: 'waiting-for-password' });
      await onStep({ step: 'waiting-for-password' });
      return paidNow();
    });
    await runner.runDueOnce();
    expect(payloadAfterUse).toEqual({ orderNo: order.orderNo, started: true });
    expect((await stateOf(order.orderNo)).state).toBe('PAID');
    expect(events.map((e) => e.state)).toEqual(['USERPAYING', 'PAID']);
    expect((await history(order.orderNo)).map((h) => [h.fromState, h.toState, h.source])).toEqual([
      [null, 'NOTPAY', 'api'],
      ['NOTPAY', 'USERPAYING', 'job:micropay'],
      ['USERPAYING', 'PAID', 'job:micropay'],
    ]);
  });

  it('a refusal (NOTENOUGH) → PAYERROR with WeChat’s code; a reversal → REVERSED', async () => {
    const poor = await take.execute({ authCode: CODE, amountFen: 9_999, clientIp: '10.0.0.1' });
    wechat.script.push(async () => ({ outcome: 'failed', code: 'NOTENOUGH', message: '余额不足' }));
    await runner.runDueOnce();
    expect(await stateOf(poor.orderNo)).toMatchObject({
      state: 'PAYERROR',
      wechatErrorCode: 'NOTENOUGH',
      wechatErrorMessage: '余额不足',
    });

    const slow = await take.execute({ authCode: CODE, amountFen: 500_000, clientIp: '10.0.0.1' });
    wechat.script.push(async ({ onStep }) => {
      await onStep({ step: 'waiting-for-password' });
      await onStep({ step: 'reversing' });
      return { outcome: 'reversed', reason: 'deadline' };
    });
    await runner.runDueOnce();
    const reversed = await stateOf(slow.orderNo);
    expect(reversed).toMatchObject({
      state: 'REVERSED',
      wechatErrorCode: 'REVERSED_AT_DEADLINE',
      paidAt: null,
    });
    expect(reversed.closedAt).not.toBeNull();
    expect(events.map((e) => e.state)).toEqual(['PAYERROR', 'USERPAYING', 'REVERSED']);
    expect(delivered).toEqual([]);
  });

  it('a run that died is resumed: query first, with the time left, and never paid twice', async () => {
    const order = await take.execute({ authCode: CODE, amountFen: 2500, clientIp: '10.0.0.1' });
    // The first run marks the job started and dies inside the pay call (its answer never comes).
    wechat.script.push(() => new Promise(() => {}));
    void runner.runDueOnce();
    await expect
      .poll(async () => JSON.parse((await jobRow()).payload).started, { timeout: 5_000 })
      .toBe(true);
    // Its lock expires; another worker claims the job.
    clock.advance(31_000);
    wechat.script.push(paidNow);
    const again = new JobRunner({
      db: database.db,
      dialect: database.dialect,
      clock,
      workerId: 'pos-test-2',
      handlers: {
        [MICROPAY_JOB]: async (job) => {
          await new CollectPaymentCode(
            {
              orders: new KyselyOrderRepository(database.db, clock),
              events: new InProcessEventBus(),
              clock,
              paymentCodes: wechat,
              codeStore: new KyselyPaymentCodeStore(database.db),
            },
            new MarkPaid({
              orders: new KyselyOrderRepository(database.db, clock),
              events: new InProcessEventBus(),
              clock,
            }),
            { pollMs: 100, deadlineMs: 2_000 },
          ).execute(job.payload as never, job);
        },
      },
    });
    expect(await again.runDueOnce()).toBe(1);
    expect(wechat.calls[1]!.options).toMatchObject({ resume: true, authCode: CODE, deadlineMs: 0 });
    expect((await stateOf(order.orderNo)).state).toBe('PAID');
  });

  it('an unconfirmed reversal is retried by the job (resuming); a settled order is left alone', async () => {
    const order = await take.execute({ authCode: CODE, amountFen: 2500, clientIp: '10.0.0.1' });
    wechat.script.push(async ({ onStep }) => {
      await onStep({ step: 'code-used' });
      throw new DomainError('WECHAT_UNAVAILABLE', 'reverse not confirmed');
    });
    await runner.runDueOnce();
    const failed = await jobRow();
    expect(failed.done_at).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(JSON.parse(failed.payload)).toEqual({ orderNo: order.orderNo, started: true });
    expect((await stateOf(order.orderNo)).state).toBe('NOTPAY');

    clock.advance(10_000);
    wechat.script.push(async () => ({ outcome: 'reversed', reason: 'REVOKED' }));
    await runner.runDueOnce();
    expect(wechat.calls[1]!.options).toMatchObject({ resume: true });
    expect(wechat.calls[1]!.options.authCode).toBeUndefined();
    expect((await stateOf(order.orderNo)).state).toBe('REVERSED');
    expect(wechat.calls).toHaveLength(2);
  });
});
