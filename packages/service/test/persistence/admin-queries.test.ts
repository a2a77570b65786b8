import { beforeEach, expect, it } from 'vitest';
import {
  KyselyOrderRepository,
  KyselyOrderStatistics,
  KyselyReconciliationStore,
  seedDemoProducts,
} from '../../src/adapters/persistence/index.js';
import { CHINA_OFFSET_MS } from '../../src/domain/index.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-01-15 00:00 in China = 2026-01-14 16:00 UTC. */
const CHINA_MIDNIGHT = Date.UTC(2026, 0, 14, 16, 0, 0);

forEachEngine('admin queries', (database) => {
  let clock: ReturnType<typeof manualClock>;
  let orders: KyselyOrderRepository;

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    clock = manualClock();
    orders = new KyselyOrderRepository(database.db, clock);
  });

  const numbers = async (filter: Parameters<KyselyOrderRepository['list']>[0]) =>
    (await orders.list(filter)).map((o) => o.orderNo);

  async function paid(orderNo: string, at: number, amountFen: number): Promise<void> {
    await orders.insertWithJobs(newOrder(orderNo, new Date(at), { amountFen }), []);
    await orders.transition({
      orderNo,
      from: ['NOTPAY'],
      to: 'PAID',
      changes: { paidAt: new Date(at), transactionId: `42000${orderNo}` },
      reason: 'test',
      source: 'test',
    });
  }

  it('pages by order number without skipping or repeating orders created in the same millisecond', async () => {
    const same = clock.now();
    for (const orderNo of ['T_A', 'T_B', 'T_C', 'T_D', 'T_E'])
      await orders.insertWithJobs(newOrder(orderNo, same), []);
    clock.advance(1);
    await orders.insertWithJobs(newOrder('T_Z', clock.now()), []);
    expect(await numbers({})).toEqual(['T_Z', 'T_E', 'T_D', 'T_C', 'T_B', 'T_A']);
    expect(await numbers({ limit: 2, afterOrderNo: 'T_Z' })).toEqual(['T_E', 'T_D']);
    expect(await numbers({ limit: 2, afterOrderNo: 'T_D' })).toEqual(['T_C', 'T_B']);
    expect(await numbers({ limit: 2, afterOrderNo: 'T_B' })).toEqual(['T_A']);
    expect(await numbers({ afterOrderNo: 'NO_SUCH_ORDER' })).toEqual([]);
  });

  it('searches an order number prefix (no wildcards), a transaction id or an openid, with the filters', async () => {
    await orders.insertWithJobs(newOrder('ABC123', clock.now()), []);
    await orders.insertWithJobs(newOrder('ABX999', clock.now(), { apiVersion: 'v2' }), []);
    await orders.insertWithJobs(newOrder('XABC12', clock.now(), { payType: 'JSAPI', openid: 'o-alice' }), []);
    await paid('PAID01', clock.now().getTime(), 500);
    expect(await numbers({ search: 'AB' })).toEqual(['ABX999', 'ABC123']);
    expect(await numbers({ search: 'ABC' })).toEqual(['ABC123']);
    // `_` and `%` are plain characters here, not LIKE wildcards; matching ignores no case.
    expect(await numbers({ search: 'A_C' })).toEqual([]);
    expect(await numbers({ search: 'A%' })).toEqual([]);
    expect(await numbers({ search: 'abc' })).toEqual([]);
    expect(await numbers({ search: 'o-alice' })).toEqual(['XABC12']);
    expect(await numbers({ search: 'o-ali' })).toEqual([]);
    expect(await numbers({ search: '42000PAID01' })).toEqual(['PAID01']);
    expect(await numbers({ search: 'AB', apiVersion: 'v2' })).toEqual(['ABX999']);
    expect(await numbers({ payType: 'JSAPI' })).toEqual(['XABC12']);
    expect(await numbers({ state: 'PAID', search: 'AB' })).toEqual([]);
  });

  it('totals per China-time day and per hour in SQL, split exactly at midnight', async () => {
    await paid('D1', CHINA_MIDNIGHT - 1, 100);
    await paid('D2', CHINA_MIDNIGHT, 200);
    await paid('D3', CHINA_MIDNIGHT + DAY - 1, 400);
    await paid('D4', CHINA_MIDNIGHT + DAY, 800);
    await orders.insertWithJobs(newOrder('U1', new Date(CHINA_MIDNIGHT + HOUR + 5)), []);
    // A refund that succeeded on the second day, one still open (not counted), and that day's bill fees.
    const refundRow = (refundNo: string, succeededAt: number | null) => ({
      refund_no: refundNo,
      order_no: 'D2',
      amount_fen: 50,
      reason: '',
      state: succeededAt === null ? 'PROCESSING' : 'SUCCESS',
      api_version: 'v3',
      wechat_refund_id: null,
      error_code: null,
      error_message: null,
      created_at: CHINA_MIDNIGHT + 5,
      updated_at: CHINA_MIDNIGHT + 5,
      succeeded_at: succeededAt,
    });
    await database.db
      .insertInto('refunds')
      .values([refundRow('R1', CHINA_MIDNIGHT + 10), refundRow('R2', null)])
      .execute();
    await new KyselyReconciliationStore(database.db).addEntries('2026-01-15', [
      {
        kind: 'payment',
        at: new Date(CHINA_MIDNIGHT),
        orderNo: 'D2',
        transactionId: 'T',
        amountFen: 200,
        settlementFen: 200,
        feeFen: 1,
        state: 'SUCCESS',
      },
      {
        kind: 'payment',
        at: new Date(CHINA_MIDNIGHT + DAY - 1),
        orderNo: 'D3',
        transactionId: 'T3',
        amountFen: 400,
        settlementFen: 400,
        feeFen: 2,
        state: 'SUCCESS',
      },
    ]);
    const statistics = new KyselyOrderStatistics(database.db);
    const none = { refunds: 0, refundedAmountFen: 0, feeFen: 0 };

    const days = await statistics.totalsPerBucket({
      bucketMs: DAY,
      offsetMs: CHINA_OFFSET_MS,
      from: new Date(CHINA_MIDNIGHT - DAY),
      to: new Date(CHINA_MIDNIGHT + 2 * DAY),
    });
    expect(days).toEqual([
      { start: CHINA_MIDNIGHT - DAY, paidAmountFen: 100, paidOrders: 1, createdOrders: 1, ...none },
      {
        start: CHINA_MIDNIGHT,
        paidAmountFen: 600,
        paidOrders: 2,
        createdOrders: 3,
        refunds: 1,
        refundedAmountFen: 50,
        feeFen: 3,
      },
      { start: CHINA_MIDNIGHT + DAY, paidAmountFen: 800, paidOrders: 1, createdOrders: 1, ...none },
    ]);

    const hours = await statistics.totalsPerBucket({
      bucketMs: HOUR,
      offsetMs: CHINA_OFFSET_MS,
      from: new Date(CHINA_MIDNIGHT),
      to: new Date(CHINA_MIDNIGHT + 2 * HOUR),
    });
    expect(hours).toEqual([
      {
        start: CHINA_MIDNIGHT,
        paidAmountFen: 200,
        paidOrders: 1,
        createdOrders: 1,
        refunds: 1,
        refundedAmountFen: 50,
        feeFen: 1,
      },
      { start: CHINA_MIDNIGHT + HOUR, paidAmountFen: 0, paidOrders: 0, createdOrders: 1, ...none },
    ]);
  });
});
