import { expect, it } from 'vitest';
import { KyselyJobQueue } from '../../src/adapters/persistence/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

forEachEngine('KyselyJobQueue', (database) => {
  it('enqueues a (type, key) once while it is pending, and again once it is done', async () => {
    const clock = manualClock();
    const queue = new KyselyJobQueue(database.db, clock);
    await queue.enqueue({ type: 'reconcile', key: 'Q1', runAt: clock.now(), payload: { n: 1 } });
    await queue.enqueue({ type: 'reconcile', key: 'Q1', runAt: clock.now(), payload: { n: 2 } });
    await queue.enqueue({ type: 'close-expired', key: 'Q1', runAt: clock.now() });
    const rows = await database.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.type, r.key, JSON.parse(r.payload)])).toEqual([
      ['reconcile', 'Q1', { n: 1 }],
      ['close-expired', 'Q1', {}],
    ]);

    await database.db
      .updateTable('jobs')
      .set({ done_at: clock.now().getTime() })
      .where('type', '=', 'reconcile')
      .execute();
    await queue.enqueue({ type: 'reconcile', key: 'Q1', runAt: clock.now(), payload: { n: 3 } });
    const pending = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('done_at', 'is', null)
      .orderBy('id')
      .execute();
    expect(pending.map((r) => [r.type, JSON.parse(r.payload)])).toEqual([
      ['close-expired', {}],
      ['reconcile', { n: 3 }],
    ]);
  });
});
