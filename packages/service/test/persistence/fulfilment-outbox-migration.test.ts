import type { Kysely } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { KyselyOrderRepository, seedDemoProducts } from '../../src/adapters/persistence/index.js';
import { up } from '../../src/adapters/persistence/migrations/0007-fulfilment-outbox.js';
import type { OrderState } from '../../src/domain/index.js';
import { forEachEngine, manualClock, newOrder } from './test-databases.js';

forEachEngine('migration 0007: paid orders left undelivered get their fulfil job', (database) => {
  let orders: KyselyOrderRepository;
  const clock = manualClock();

  beforeEach(async () => {
    await seedDemoProducts(database.db);
    orders = new KyselyOrderRepository(database.db, clock);
  });

  async function orderIn(orderNo: string, state: OrderState, fulfilled: boolean): Promise<void> {
    await orders.insertWithJobs(newOrder(orderNo, clock.now()), []);
    if (state === 'NOTPAY') return;
    await orders.transition({
      orderNo,
      from: ['NOTPAY'],
      to: 'PAID',
      changes: { paidAt: clock.now(), ...(fulfilled ? { fulfilledAt: clock.now() } : {}) },
      reason: 'test',
      source: 'test',
    });
    // Only along the table's edges: the repository refuses any other.
    if (state !== 'PAID')
      await orders.transition({ orderNo, from: ['PAID'], to: state, reason: 'test', source: 'test' });
  }

  it('enqueues one job per paid, undelivered order — not for delivered, refunded or unpaid ones', async () => {
    await orderIn('STUCK1', 'PAID', false);
    await orderIn('STUCK2', 'PARTIALLY_REFUNDED', false);
    await orderIn('DONE', 'PAID', true);
    await orderIn('BACK', 'REFUNDED', false);
    await orderIn('OPEN', 'NOTPAY', false);
    await database.db
      .insertInto('jobs')
      .values({ type: 'fulfil', key: 'STUCK2', run_at: 1, attempts: 3, created_at: 1, payload: '{}' })
      .execute();

    await up(database.db as unknown as Kysely<unknown>);
    await up(database.db as unknown as Kysely<unknown>);

    const jobs = await database.db
      .selectFrom('jobs')
      .select(['key', 'payload', 'attempts'])
      .where('type', '=', 'fulfil')
      .orderBy('key')
      .execute();
    expect(jobs).toEqual([
      { key: 'STUCK1', payload: '{"orderNo":"STUCK1"}', attempts: 0 },
      { key: 'STUCK2', payload: '{}', attempts: 3 },
    ]);
  });
});
