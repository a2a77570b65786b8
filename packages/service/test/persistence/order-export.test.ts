import { beforeEach, expect, it } from 'vitest';
import { KyselyOrderRepository, seedDemoProducts } from '../../src/adapters/persistence/index.js';
import { ExportOrders } from '../../src/use-cases/index.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

forEachEngine('order export', (database) => {
  let orders: KyselyOrderRepository;
  const clock = manualClock();

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    orders = new KyselyOrderRepository(database.db, clock);
  });

  const collect = async (iterable: AsyncIterable<{ orderNo: string }>) => {
    const seen: string[] = [];
    for await (const order of iterable) seen.push(order.orderNo);
    return seen;
  };

  it('streams every matching order past the page size, newest first, each once', async () => {
    const base = Date.UTC(2026, 0, 15, 4, 0, 0);
    // 1203 orders, several sharing a creation instant, so the keyset must break ties by number.
    for (let i = 0; i < 1203; i++) {
      await orders.insertWithJobs(
        newOrder(`EXP${String(i).padStart(6, '0')}`, new Date(base + Math.floor(i / 3) * 1000), {
          apiVersion: i % 2 === 0 ? 'v3' : 'v2',
        }),
        [],
      );
    }
    const all = await collect(new ExportOrders({ orders }).execute());
    expect(all).toHaveLength(1203);
    expect(new Set(all).size).toBe(1203);
    expect(all[0]).toBe('EXP001202');
    expect(all.at(-1)).toBe('EXP000000');
    const v2 = await collect(new ExportOrders({ orders }).execute({ apiVersion: 'v2' }));
    expect(v2).toHaveLength(601);
    const window = await collect(
      new ExportOrders({ orders }).execute({
        createdFrom: new Date(base + 100_000),
        createdTo: new Date(base + 200_000),
      }),
    );
    expect(window).toHaveLength(300);
  }, 60_000);
});
