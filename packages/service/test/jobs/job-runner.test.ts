import { beforeEach, describe, expect, it } from 'vitest';
import { KyselyJobQueue } from '../../src/adapters/persistence/index.js';
import { exponentialBackoff, type Job, JobRunner, type JobRunnerOptions } from '../../src/jobs/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('exponentialBackoff', () => {
  it('starts at 5 s, doubles, and stops growing at 10 minutes', () => {
    expect([1, 2, 3, 4].map(exponentialBackoff)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(exponentialBackoff(8)).toBe(600_000);
    expect(exponentialBackoff(50)).toBe(600_000);
  });
});

forEachEngine('JobRunner', (database, engine) => {
  let clock: ReturnType<typeof manualClock>;
  let queue: KyselyJobQueue;

  beforeEach(async () => {
    clock = manualClock();
    queue = new KyselyJobQueue(database.db, clock);
  });

  const runner = (handlers: JobRunnerOptions['handlers'], options: Partial<JobRunnerOptions> = {}) =>
    new JobRunner({
      db: database.db,
      dialect: database.dialect,
      handlers,
      workerId: 'worker-a',
      clock,
      ...options,
    });
  const jobRow = (key: string) =>
    database.db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirstOrThrow();

  it('runs a due job once, with its payload, and leaves future jobs and unknown types alone', async () => {
    const seen: Job[] = [];
    await queue.enqueue({
      type: 'close-expired',
      key: 'J1',
      runAt: clock.now(),
      payload: { reason: 'timeout' },
    });
    await queue.enqueue({
      type: 'close-expired',
      key: 'LATER',
      runAt: new Date(clock.now().getTime() + 60_000),
    });
    await queue.enqueue({ type: 'not-mine', key: 'X1', runAt: clock.now() });
    const jobs = runner({ 'close-expired': async (job) => void seen.push(job) });

    expect(await jobs.runDueOnce()).toBe(1);
    expect(await jobs.runDueOnce()).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      type: 'close-expired',
      key: 'J1',
      payload: { reason: 'timeout' },
      attempts: 0,
    });
    expect(await jobRow('J1').then((r) => r.done_at)).toBe(clock.now().getTime());
    const notMine = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', 'not-mine')
      .executeTakeFirstOrThrow();
    expect(notMine).toMatchObject({ done_at: null, locked_by: null });

    clock.advance(60_000);
    expect(await jobs.runDueOnce()).toBe(1);
    expect(seen.map((j) => j.key)).toEqual(['J1', 'LATER']);
  });

  it('retries a failing job after the backoff, storing only the error message', async () => {
    let calls = 0;
    await queue.enqueue({ type: 'reconcile', key: 'R1', runAt: clock.now() });
    const failures: string[] = [];
    const jobs = runner(
      {
        reconcile: async () => {
          calls++;
          if (calls === 1) throw new Error('orderquery answered SYSTEMERROR');
        },
      },
      { onFailure: (_job, message) => failures.push(message) },
    );

    expect(await jobs.runDueOnce()).toBe(1);
    const failed = await jobRow('R1');
    expect(failed).toMatchObject({
      attempts: 1,
      last_error: 'orderquery answered SYSTEMERROR',
      run_at: clock.now().getTime() + 5_000,
      done_at: null,
      locked_until: null,
    });
    expect(failures).toEqual(['orderquery answered SYSTEMERROR']);

    expect(await jobs.runDueOnce()).toBe(0);
    clock.advance(4_999);
    expect(await jobs.runDueOnce()).toBe(0);
    clock.advance(1);
    expect(await jobs.runDueOnce()).toBe(1);
    expect(calls).toBe(2);
    expect(await jobRow('R1')).toMatchObject({
      attempts: 1,
      done_at: clock.now().getTime(),
      failed_at: null,
    });
  });

  it('gives up after maxAttempts, marking the job failed', async () => {
    await queue.enqueue({ type: 'reconcile', key: 'G1', runAt: clock.now() });
    const attemptsSeen: number[] = [];
    const jobs = runner(
      {
        reconcile: async (job) => {
          attemptsSeen.push(job.attempts);
          throw new Error('still failing');
        },
      },
      { maxAttempts: 2, backoff: () => 1_000 },
    );
    expect(await jobs.runDueOnce()).toBe(1);
    clock.advance(1_000);
    expect(await jobs.runDueOnce()).toBe(1);
    clock.advance(3_600_000);
    expect(await jobs.runDueOnce()).toBe(0);
    expect(attemptsSeen).toEqual([0, 1]);
    expect(await jobRow('G1')).toMatchObject({
      attempts: 2,
      last_error: 'still failing',
      failed_at: clock.now().getTime() - 3_600_000,
    });
  });

  it('takes over a job whose worker died (lock expired) but not one that is still locked', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'DEAD', runAt: clock.now() });
    await queue.enqueue({ type: 'close-expired', key: 'ALIVE', runAt: clock.now() });
    const now = clock.now().getTime();
    await database.db
      .updateTable('jobs')
      .set({ locked_by: 'worker-dead', locked_until: now - 1 })
      .where('key', '=', 'DEAD')
      .execute();
    await database.db
      .updateTable('jobs')
      .set({ locked_by: 'worker-busy', locked_until: now + 10_000 })
      .where('key', '=', 'ALIVE')
      .execute();
    const ran: string[] = [];
    const jobs = runner({ 'close-expired': async (job) => void ran.push(job.key) });

    expect(await jobs.runDueOnce()).toBe(1);
    expect(ran).toEqual(['DEAD']);
    expect(await jobRow('DEAD')).toMatchObject({ locked_by: 'worker-a', done_at: now });

    clock.advance(10_001);
    expect(await jobs.runDueOnce()).toBe(1);
    expect(ran).toEqual(['DEAD', 'ALIVE']);
  });

  it('polls once started and, on stop, waits for the running job to finish', async () => {
    const started = deferred();
    const release = deferred();
    const jobs = runner(
      {
        'close-expired': async () => {
          started.resolve();
          await release.promise;
        },
      },
      { pollIntervalMs: 5 },
    );
    jobs.start();
    await queue.enqueue({ type: 'close-expired', key: 'S1', runAt: clock.now() });
    await started.promise;

    let stopped = false;
    const stopping = jobs.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(await jobRow('S1').then((r) => r.done_at)).toBeNull();

    release.resolve();
    await stopping;
    expect(await jobRow('S1').then((r) => r.done_at)).toBe(clock.now().getTime());
  });

  it.runIf(engine.name === 'postgres')(
    'shares 50 due jobs between two instances on two pools, running each exactly once (SKIP LOCKED)',
    async () => {
      for (let i = 0; i < 50; i++)
        await queue.enqueue({ type: 'reconcile', key: `K${i}`, runAt: clock.now() });
      const other = await database.openAgain();
      const runs = new Map<string, number>();
      const byWorker = new Map<string, number>();
      const handler = (worker: string) => async (job: Job) => {
        runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
        byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2));
      };
      const instances = [
        new JobRunner({
          db: database.db,
          dialect: 'postgres',
          handlers: { reconcile: handler('a') },
          workerId: 'a',
          clock,
          batchSize: 5,
        }),
        new JobRunner({
          db: other.db,
          dialect: 'postgres',
          handlers: { reconcile: handler('b') },
          workerId: 'b',
          clock,
          batchSize: 5,
        }),
      ];
      await Promise.all(
        instances.map(async (instance) => {
          while ((await instance.runDueOnce()) > 0) {}
        }),
      );

      expect(runs.size).toBe(50);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      const rows = await database.db.selectFrom('jobs').select(['done_at', 'locked_by']).execute();
      expect(rows.every((r) => r.done_at !== null)).toBe(true);
      console.info(
        `SKIP LOCKED race: worker a ran ${byWorker.get('a') ?? 0}, worker b ran ${byWorker.get('b') ?? 0}`,
      );
    },
  );
});
