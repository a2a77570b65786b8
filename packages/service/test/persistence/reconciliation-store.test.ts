import { beforeEach, expect, it } from 'vitest';
import {
  KyselyOrderRepository,
  KyselyReconciliationStore,
  seedDemoProducts,
} from '../../src/adapters/persistence/index.js';
import { type BillEntry, chinaDayRange } from '../../src/domain/index.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

const DAY1 = '2026-01-14';
const DAY2 = '2026-01-15';

function paymentLine(orderNo: string, at: Date, amountFen = 1980): BillEntry {
  return {
    kind: 'payment',
    at,
    orderNo,
    transactionId: `T${orderNo}`,
    amountFen,
    settlementFen: amountFen,
    feeFen: 12,
    state: 'SUCCESS',
  };
}

forEachEngine('reconciliation store', (database) => {
  let store: KyselyReconciliationStore;
  let orders: KyselyOrderRepository;
  const clock = manualClock(Date.UTC(2026, 0, 15, 16, 0, 0));

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    store = new KyselyReconciliationStore(database.db);
    orders = new KyselyOrderRepository(database.db, clock);
  });

  /** An order paid here at `paidAt`. */
  async function paidOrder(orderNo: string, paidAt: Date) {
    await orders.insertWithJobs(newOrder(orderNo, new Date(paidAt.getTime() - 60_000)), []);
    await database.db
      .updateTable('orders')
      .set({ state: 'PAID', paid_at: paidAt.getTime(), transaction_id: `T${orderNo}` })
      .where('order_no', '=', orderNo)
      .execute();
  }

  it('pairs lines with orders by number and finds orders no stored bill lists, page by page', async () => {
    const day = chinaDayRange(DAY1);
    const at = (minutes: number) => new Date(day.from.getTime() + minutes * 60_000);
    for (let i = 0; i < 5; i++) await paidOrder(`P${i}`, at(60 + i));
    await store.begin(DAY1, clock.now());
    await store.addEntries(DAY1, [
      paymentLine('P0', at(60)),
      paymentLine('P1', at(61)),
      paymentLine('NOPE', at(62), 500),
    ]);

    const first = await store.paymentPairs(DAY1, 0, 2);
    expect(first.map((p) => [p.entry.orderNo, p.local?.state])).toEqual([
      ['P0', 'PAID'],
      ['P1', 'PAID'],
    ]);
    const second = await store.paymentPairs(DAY1, first[1]!.id, 2);
    expect(second.map((p) => [p.entry.orderNo, p.local])).toEqual([['NOPE', undefined]]);
    expect(second[0]!.entry).toMatchObject({
      amountFen: 500,
      settlementFen: 500,
      feeFen: 12,
      state: 'SUCCESS',
    });

    const unbilled = await store.unbilledPayments(day, '', 2);
    expect(unbilled.map((o) => o.orderNo)).toEqual(['P2', 'P3']);
    expect((await store.unbilledPayments(day, 'P3', 2)).map((o) => o.orderNo)).toEqual(['P4']);
    expect(await store.localTotals(day)).toEqual({
      payments: 5,
      paymentFen: 5 * 1980,
      refunds: 0,
      refundFen: 0,
    });
  });

  it('a run in progress refuses a second one; a re-run drops the lines, keeps a difference found again and resolves one not', async () => {
    await store.begin(DAY1, clock.now());
    await expect(store.begin(DAY1, clock.now())).rejects.toMatchObject({ code: 'RECONCILIATION_RUNNING' });
    await store.addEntries(DAY1, [paymentLine('P0', clock.now())]);
    await store.record(
      DAY1,
      [
        { kind: 'UNKNOWN_ORDER', orderNo: 'P0', detail: 'x', resolution: 'open', note: null },
        {
          kind: 'PAID_AT_WECHAT_ONLY',
          orderNo: 'P9',
          detail: 'y',
          resolution: 'repaired',
          note: 'marked paid',
        },
      ],
      clock.now(),
    );
    await store.finish(DAY1, outcome('UNBALANCED', clock.now()));
    expect((await store.get(DAY1))?.counts).toEqual({ open: 1, repaired: 1, resolved: 0 });

    const [first] = await store.discrepancies(DAY1);
    await store.begin(DAY1, clock.now());
    expect(await store.paymentPairs(DAY1, 0, 10)).toEqual([]);
    expect((await store.get(DAY1))?.attempts).toBe(2);
    // Found again: the same row, not announced as new; another one: new; the repaired stays.
    const again = await store.record(
      DAY1,
      [
        { kind: 'UNKNOWN_ORDER', orderNo: 'P0', detail: 'x again', resolution: 'open', note: null },
        { kind: 'AMOUNT_MISMATCH', orderNo: 'P1', detail: 'z', resolution: 'open', note: null },
      ],
      clock.now(),
    );
    expect(again.map((d) => [d.kind, d.id === first!.id, d.isNew])).toEqual([
      ['UNKNOWN_ORDER', true, false],
      ['AMOUNT_MISMATCH', false, true],
    ]);
    await store.finish(DAY1, outcome('UNBALANCED', clock.now()));
    // A third run that finds neither resolves both; the repaired one is untouched.
    await store.begin(DAY1, clock.now());
    expect(await store.record(DAY1, [], clock.now())).toEqual([]);
    expect((await store.discrepancies(DAY1)).map((d) => [d.kind, d.resolution, d.note])).toEqual([
      ['UNKNOWN_ORDER', 'resolved', 'no longer found when the day was run again'],
      ['PAID_AT_WECHAT_ONLY', 'repaired', 'marked paid'],
      ['AMOUNT_MISMATCH', 'resolved', 'no longer found when the day was run again'],
    ]);
  });

  it('a record missing from one day’s bill that the next day’s bill lists resolves itself, and its day balances', async () => {
    const day1 = chinaDayRange(DAY1);
    await paidOrder('EDGE', new Date(day1.to.getTime() - 1_000));
    await store.begin(DAY1, clock.now());
    const [missing] = await store.record(
      DAY1,
      [
        {
          kind: 'MISSING_FROM_BILL',
          orderNo: 'EDGE',
          detail: 'state here PAID',
          resolution: 'open',
          note: null,
        },
      ],
      clock.now(),
    );
    await store.finish(DAY1, outcome('UNBALANCED', clock.now()));
    expect(await store.openCount()).toBe(1);

    await store.begin(DAY2, clock.now());
    await store.addEntries(DAY2, [paymentLine('EDGE', day1.to)]);
    expect(await store.resolveFoundLater(DAY2, clock.now())).toBe(1);
    expect(await store.findDiscrepancy(missing!.id)).toMatchObject({
      resolution: 'resolved',
      note: `listed in the bill of ${DAY2}`,
    });
    expect((await store.get(DAY1))?.status).toBe('BALANCED');
    expect(await store.openCount()).toBe(0);
    expect(await store.unbilledPayments(day1, '', 10)).toEqual([]);
  });
});

function outcome(status: 'BALANCED' | 'UNBALANCED', at: Date) {
  const zero = { payments: 0, paymentFen: 0, refunds: 0, refundFen: 0, feeFen: 0, netFen: 0 };
  return {
    status,
    apiVersion: 'v3' as const,
    wechat: zero,
    local: zero,
    billRows: 1,
    billHash: null,
    fundFlow: null,
    at,
  };
}
