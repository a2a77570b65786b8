import { beforeEach, expect, it } from 'vitest';
import { CompiledQueryCache } from '../../src/adapters/persistence/compiled-query-cache.js';
import { KyselyOrderRepository, seedDemoProducts } from '../../src/adapters/persistence/index.js';
import { orderHistoryInsert } from '../../src/adapters/persistence/order-history-writer.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

forEachEngine('orderHistoryInsert', (database) => {
  let clock: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    clock = manualClock();
    await new KyselyOrderRepository(database.db, clock).insertWithJobs(newOrder('W1', clock.now()), []);
  });

  const record = (from: readonly ('NOTPAY' | 'PAYERROR')[], reason: string) => ({
    orderNo: 'W1',
    from,
    to: 'PAYERROR' as const,
    reason,
    source: 'test',
    at: clock.now(),
  });

  it('compiles each shape once: a cached statement is the same SQL with the new values', () => {
    const cache = new CompiledQueryCache();
    for (const from of [[], ['NOTPAY'], ['NOTPAY', 'PAYERROR']] as const) {
      const first = orderHistoryInsert(database.db, record(from, 'a'), cache);
      const again = orderHistoryInsert(database.db, record(from, 'b'), cache);
      const fresh = orderHistoryInsert(database.db, record(from, 'b'));
      expect(again.sql).toBe(first.sql);
      expect(again.parameters).toEqual(fresh.parameters);
      expect(again.sql).toBe(fresh.sql);
    }
  });

  it('records the one known origin, or with several the state the latest row left the order in', async () => {
    await database.db.executeQuery(orderHistoryInsert(database.db, record(['NOTPAY'], 'one')));
    await database.db.executeQuery(orderHistoryInsert(database.db, record(['NOTPAY', 'PAYERROR'], 'latest')));
    const rows = await database.db
      .selectFrom('order_history')
      .select(['from_state', 'to_state', 'reason'])
      .where('order_no', '=', 'W1')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { from_state: null, to_state: 'NOTPAY', reason: 'created' },
      { from_state: 'NOTPAY', to_state: 'PAYERROR', reason: 'one' },
      { from_state: 'PAYERROR', to_state: 'PAYERROR', reason: 'latest' },
    ]);
  });
});
