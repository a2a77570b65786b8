import { beforeEach, expect, it } from 'vitest';
import { KyselyJobQueue } from '../../src/adapters/persistence/index.js';
import { JobRunner, type JobRunnerOptions } from '../../src/jobs/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Stopping hands work over at once: a job a stopping runner gives up, or claimed but never started,
 * is unlocked, so another runner (another instance) claims it now — with locks of a minute and a
 * clock that never moves, the only way the second runner can get it.
 */
forEachEngine('JobRunner.stop', (database) => {
  let clock: ReturnType<typeof manualClock>;
  let queue: KyselyJobQueue;

  beforeEach(async () => {
    clock = manualClock();
    queue = new KyselyJobQueue(database.db, clock);
  });

  const runner = (workerId: string, handlers: JobRunnerOptions['handlers']) =>
    new JobRunner({
      db: database.db,
      dialect: database.dialect,
      handlers,
      workerId,
      clock,
      lockMs: 60_000,
      pollIntervalMs: 60_000,
    });
  const jobRow = (key: string) =>
    database.db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirstOrThrow();

  it('abandons a handler still running after the grace period, and another runner claims its job at once', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'LONG', runAt: clock.now() });
    const started = deferred();
    const release = deferred();
    const a = runner('worker-a', {
      'close-expired': async () => {
        started.resolve();
        await release.promise;
      },
    });
    a.start();
    await started.promise;
    expect(await jobRow('LONG')).toMatchObject({ locked_by: 'worker-a', done_at: null });

    const begun = Date.now();
    const result = await a.stop({ graceMs: 150 });
    expect(Date.now() - begun).toBeLessThan(2_000);
    expect(result).toEqual({ finished: 0, abandoned: 1, released: 0 });
    expect(await jobRow('LONG')).toMatchObject({ locked_by: null, locked_until: null, done_at: null });

    const ranOnB: string[] = [];
    const b = runner('worker-b', { 'close-expired': async (job) => void ranOnB.push(job.key) });
    expect(await b.runDueOnce()).toBe(1);
    expect(ranOnB).toEqual(['LONG']);
    const done = await jobRow('LONG');
    expect(done.done_at).not.toBeNull();

    // The abandoned handler finishing late records nothing: the job is B's, done once.
    release.resolve();
    await new Promise((r) => setTimeout(r, 50));
    expect(await jobRow('LONG')).toMatchObject({ locked_by: 'worker-b', done_at: done.done_at, attempts: 0 });
  });

  it('a handler that finishes within the grace period completes as usual', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'QUICK', runAt: clock.now() });
    const started = deferred();
    const a = runner('worker-a', {
      'close-expired': async () => {
        started.resolve();
        await new Promise((r) => setTimeout(r, 100));
      },
    });
    a.start();
    await started.promise;
    expect(await a.stop({ graceMs: 5_000 })).toEqual({ finished: 1, abandoned: 0, released: 0 });
    expect((await jobRow('QUICK')).done_at).not.toBeNull();
  });

  it('releases unstarted the jobs a claim brings back after stopping began', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'P1', runAt: clock.now() });
    await queue.enqueue({ type: 'close-expired', key: 'P2', runAt: clock.now() });
    const ranOnA: string[] = [];
    const a = runner('worker-a', { 'close-expired': async (job) => void ranOnA.push(job.key) });
    a.start(); // its first claim is on its way …
    const result = await a.stop({ graceMs: 1_000 }); // … when stopping begins
    expect(ranOnA).toEqual([]);
    expect(result).toEqual({ finished: 0, abandoned: 0, released: 2 });
    for (const key of ['P1', 'P2']) {
      expect(await jobRow(key)).toMatchObject({ locked_by: null, locked_until: null, done_at: null });
    }
    const ranOnB: string[] = [];
    const b = runner('worker-b', { 'close-expired': async (job) => void ranOnB.push(job.key) });
    b.start();
    try {
      await until(() => ranOnB.length === 2, 'both jobs on the second runner');
    } finally {
      await b.stop();
    }
    expect(ranOnB.sort()).toEqual(['P1', 'P2']);
  });
});
