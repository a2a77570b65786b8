import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KyselyOrderRepository, seedDemoProducts } from '../../src/adapters/persistence/index.js';
import { asOneStatement } from '../../src/adapters/persistence/postgres-one-statement.js';
import type { TransitionRequest } from '../../src/domain/ports.js';
import { ENGINES, manualClock, newOrder, POSTGRES_SKIP_REASON, type TestDatabase } from './test-databases.js';

/** Compiles with the PostgreSQL dialect without connecting (a pool that is never asked). */
const pgSql = new Kysely<Record<string, Record<string, unknown>>>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }),
});
const lead = pgSql
  .updateTable('orders')
  .set({ state: 'PAID' })
  .where('order_no', '=', 'A')
  .returningAll()
  .compile();

describe('asOneStatement: which statements it combines', () => {
  afterAll(() => pgSql.destroy());

  it('renumbers every follower parameter after the ones before it, one CTE per row', () => {
    const history = pgSql.insertInto('order_history').values({ order_no: 'A', at: 1 }).compile();
    const jobs = pgSql
      .insertInto('jobs')
      .values([
        { type: 'fulfil', key: 'A' },
        { type: 'webhook', key: 'A' },
      ])
      .onConflict((oc) => oc.columns(['type', 'key']).where('done_at', 'is', null).doNothing())
      .compile();
    const one = asOneStatement(lead, [history, jobs]);
    expect(one?.parameters).toEqual(['PAID', 'A', 'A', 1, 'fulfil', 'A', 'webhook', 'A']);
    expect(one?.sql).toBe(
      'with "lead" as (update "orders" set "state" = $1 where "order_no" = $2 returning *), ' +
        '"w1" as (insert into "order_history" ("order_no", "at") select $3, $4 where exists (select 1 from "lead")), ' +
        '"w2" as (insert into "jobs" ("type", "key") select $5, $6 where exists (select 1 from "lead") on conflict ("type", "key") where "done_at" is null do nothing), ' +
        '"w3" as (insert into "jobs" ("type", "key") select $7, $8 where exists (select 1 from "lead") on conflict ("type", "key") where "done_at" is null do nothing) ' +
        'select * from "lead"',
    );
  });

  it('declines what it cannot prove safe to combine, so the caller keeps its transaction', () => {
    const insert = pgSql.insertInto('order_history').values({ order_no: 'A' }).compile();
    const notUpdate = pgSql.selectFrom('orders').selectAll().compile();
    expect(asOneStatement(notUpdate, [insert])).toBeUndefined();
    const leadWithoutReturning = pgSql.updateTable('orders').set({ state: 'PAID' }).compile();
    expect(asOneStatement(leadWithoutReturning, [insert])).toBeUndefined();
    const follower = pgSql.updateTable('jobs').set({ attempts: 1 }).compile();
    expect(asOneStatement(lead, [follower])).toBeUndefined();
    const returning = pgSql.insertInto('order_history').values({ order_no: 'A' }).returningAll().compile();
    expect(asOneStatement(lead, [returning])).toBeUndefined();
    // A string literal could hold "$1": nothing with one is renumbered.
    expect(asOneStatement(lead, [CompiledQuery.raw(`insert into "t" ("a") values ('$1')`)])).toBeUndefined();
  });
});

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  'an order transition on PostgreSQL: one round trip',
  () => {
    let database: TestDatabase;
    let orders: KyselyOrderRepository;
    const clock = manualClock();

    beforeAll(async () => {
      database = await ENGINES.find((e) => e.name === 'postgres')!.open();
      await seedDemoProducts(database.db);
      orders = new KyselyOrderRepository(database.db, clock);
    });
    afterAll(() => database?.destroy());
    beforeEach(async () => {
      for (const table of ['order_history', 'notifications_received', 'jobs', 'orders'] as const) {
        await database.db.deleteFrom(table).execute();
      }
    });

    /** Runs `work` and counts the queries node-postgres sent meanwhile: each is a round trip. */
    async function roundTrips<T>(work: () => Promise<T>): Promise<{ value: T; trips: number }> {
      const query = pg.Client.prototype.query;
      let trips = 0;
      pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
        trips++;
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      try {
        return { value: await work(), trips };
      } finally {
        pg.Client.prototype.query = query;
      }
    }

    const payment = (orderNo: string, transactionId: string): TransitionRequest => ({
      orderNo,
      from: ['NOTPAY', 'USERPAYING'],
      to: 'PAID',
      amountFen: 1800,
      changes: { transactionId, paidAt: clock.now() },
      reason: `payment notification, transaction ${transactionId}`,
      source: 'notify-v3',
      notification: {
        apiVersion: 'v3',
        kind: 'payment',
        orderNo,
        rawBody: '{"resource":"x"}',
        headers: { 'wechatpay-serial': 'S' },
        verified: true,
        outcome: 'applied',
        receivedAt: clock.now(),
        decryptedBody: `{"transaction_id":"${transactionId}"}`,
      },
      jobs: [
        { type: 'fulfil', key: orderNo, runAt: clock.now(), payload: { orderNo } },
        { type: 'webhook-event', key: `order.paid|${orderNo}`, runAt: clock.now() },
      ],
    });

    const written = async (orderNo: string) => ({
      history: await database.db
        .selectFrom('order_history')
        .selectAll()
        .where('order_no', '=', orderNo)
        .execute(),
      notifications: await database.db
        .selectFrom('notifications_received')
        .select(['outcome', 'decrypted_body'])
        .where('order_no', '=', orderNo)
        .execute(),
      // The sub-statements of one statement run in no set order: neither do their ids.
      jobs: await database.db.selectFrom('jobs').select(['type', 'key']).orderBy('type').execute(),
    });

    it('the winner writes the state, its history row, the notification and its jobs in one statement', async () => {
      await orders.insertWithJobs(newOrder('P1', clock.now(), { amountFen: 1800 }), []);
      const before = (await written('P1')).history.length;
      const { value: paid, trips } = await roundTrips(() => orders.transition(payment('P1', '4200000001')));
      expect(trips).toBe(1);
      expect(paid).toMatchObject({ state: 'PAID', transactionId: '4200000001' });
      const after = await written('P1');
      expect(after.history).toHaveLength(before + 1);
      // Several origins: `from_state` is the order's state before, read in the same statement.
      expect(after.history.at(-1)).toMatchObject({
        from_state: 'NOTPAY',
        to_state: 'PAID',
        source: 'notify-v3',
      });
      expect(after.notifications).toEqual([
        { outcome: 'applied', decrypted_body: '{"transaction_id":"4200000001"}' },
      ]);
      expect(after.jobs).toEqual([
        { type: 'fulfil', key: 'P1' },
        { type: 'webhook-event', key: 'order.paid|P1' },
      ]);
    });

    it('a loser (duplicate, wrong amount) writes nothing at all, in one round trip too', async () => {
      await orders.insertWithJobs(newOrder('P2', clock.now(), { amountFen: 1800 }), []);
      await orders.transition(payment('P2', '4200000002'));
      const before = await written('P2');
      const duplicate = await roundTrips(() => orders.transition(payment('P2', '4200000002')));
      expect(duplicate).toEqual({ value: undefined, trips: 1 });
      const wrongAmount = await orders.transition({ ...payment('P2', '4200000003'), amountFen: 1 });
      expect(wrongAmount).toBeUndefined();
      expect(await written('P2')).toEqual(before);
      expect((await orders.findByOrderNo('P2'))?.transactionId).toBe('4200000002');
    });

    it('of writers racing on two pools exactly one wins, and exactly one history row records it', async () => {
      await orders.insertWithJobs(newOrder('P3', clock.now(), { amountFen: 1800 }), []);
      const other = new KyselyOrderRepository((await database.openAgain()).db, clock);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : orders).transition(payment('P3', `42000000${i}`)),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      const { history, notifications, jobs } = await written('P3');
      expect(history.filter((h) => h.to_state === 'PAID')).toHaveLength(1);
      expect(notifications).toHaveLength(1);
      expect(jobs).toHaveLength(2);
    });
  },
);
