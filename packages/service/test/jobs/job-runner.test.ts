import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { KyselyJobQueue } from '../../src/adapters/persistence/index.js';
import {
  cappedBackoff,
  exponentialBackoff,
  type Job,
  JobRunner,
  type JobRunnerOptions,
} from '../../src/jobs/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `check` every few ms until it holds; fails after 5 s. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('exponentialBackoff', () => {
  it('starts at 5 s, doubles, and stops growing at 10 minutes', () => {
    expect([1, 2, 3, 4].map(exponentialBackoff)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(exponentialBackoff(8)).toBe(600_000);
    expect(exponentialBackoff(50)).toBe(600_000);
  });

  it('can be capped lower, for work that must follow soon after WeChat recovers', () => {
    const close = cappedBackoff(30_000);
    expect([1, 2, 3, 4, 5, 40, 5_000].map(close)).toEqual([
      5_000, 10_000, 20_000, 30_000, 30_000, 30_000, 30_000,
    ]);
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

  it('wake() claims a job written just now instead of waiting for the next poll', async () => {
    const ran: string[] = [];
    const jobs = runner(
      { 'close-expired': async (job) => void ran.push(job.key) },
      { pollIntervalMs: 60_000 },
    );
    jobs.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // the first (empty) poll is over; the next is a minute away
      await queue.enqueue({ type: 'close-expired', key: 'WOKEN', runAt: clock.now() });
      await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual([]);
      jobs.wake();
      await until(() => ran.includes('WOKEN'), 'the woken job');
    } finally {
      await jobs.stop();
    }
  });

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
          concurrency: 5,
        }),
        new JobRunner({
          db: other.db,
          dialect: 'postgres',
          handlers: { reconcile: handler('b') },
          workerId: 'b',
          clock,
          concurrency: 5,
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
      expect((byWorker.get('a') ?? 0) + (byWorker.get('b') ?? 0)).toBe(50);
    },
  );

  it.runIf(engine.name === 'postgres')(
    'skips jobs another instance is claiming instead of waiting for them (SKIP LOCKED)',
    async () => {
      for (let i = 0; i < 10; i++)
        await queue.enqueue({ type: 'reconcile', key: `L${i}`, runAt: clock.now() });
      const other = await database.openAgain();
      const locked = deferred<number>();
      const release = deferred();
      // Another instance in the middle of its claim: it holds the row locks of L0–L4.
      const holder = other.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await trx
          .selectFrom('jobs')
          .select('id')
          .where('key', 'in', ['L0', 'L1', 'L2', 'L3', 'L4'])
          .forUpdate()
          .execute();
        locked.resolve(rows[0]!.pid);
        await release.promise;
      });
      const holderPid = await locked.promise;
      const ran: string[] = [];
      const jobs = runner({ reconcile: async (job) => void ran.push(job.key) });
      let claimed: number | undefined;
      const claiming = jobs.runDueOnce().then((n) => {
        claimed = n;
      });
      let waited = false;
      await until(async () => {
        if (claimed !== undefined) return true;
        const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
          where ${holderPid} = any(pg_blocking_pids(pid))`.execute(database.db);
        waited = Number(rows[0]!.n) > 0;
        return waited;
      }, 'the claim to finish or to wait');
      release.resolve();
      await Promise.all([claiming, holder]);

      expect(waited).toBe(false);
      expect(claimed).toBe(5);
      expect(ran.sort()).toEqual(['L5', 'L6', 'L7', 'L8', 'L9']);
    },
  );

  it('keeps a running job locked: another worker cannot claim it until the lock expires', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'LONG', runAt: clock.now() });
    const started = deferred();
    const release = deferred();
    const runs: string[] = [];
    const a = runner(
      {
        'close-expired': async () => {
          runs.push('a');
          started.resolve();
          await release.promise;
        },
      },
      { lockMs: 30_000 },
    );
    const b = runner({ 'close-expired': async () => void runs.push('b') }, { workerId: 'worker-b' });
    const running = a.runDueOnce();
    await started.promise;

    clock.advance(29_999);
    expect(await b.runDueOnce()).toBe(0);
    expect(await jobRow('LONG')).toMatchObject({ locked_by: 'worker-a', done_at: null });
    expect(runs).toEqual(['a']);

    // Past its lock the job counts as abandoned (worker a presumed dead) and worker b takes it over.
    clock.advance(2);
    expect(await b.runDueOnce()).toBe(1);
    expect(runs).toEqual(['a', 'b']);
    release.resolve();
    await running;
  });

  it('renews the lock of a job that runs longer than its lock, so no other worker takes it over', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'SLOWER', runAt: clock.now() });
    const started = deferred();
    const release = deferred();
    const runs: string[] = [];
    const a = runner(
      {
        'close-expired': async () => {
          runs.push('a');
          started.resolve();
          await release.promise;
        },
      },
      { lockMs: 30_000, lockRenewMs: 5 },
    );
    const b = runner({ 'close-expired': async () => void runs.push('b') }, { workerId: 'worker-b' });
    const running = a.runDueOnce();
    await started.promise;
    for (let i = 0; i < 4; i++) {
      clock.advance(20_000);
      const due = clock.now().getTime();
      await until(async () => Number((await jobRow('SLOWER')).locked_until) > due, 'the lock to be renewed');
      expect(await b.runDueOnce()).toBe(0);
    }
    expect(runs).toEqual(['a']);
    release.resolve();
    await running;
    expect(await jobRow('SLOWER')).toMatchObject({ locked_by: 'worker-a', locked_until: null });
    expect(Number((await jobRow('SLOWER')).done_at)).toBe(clock.now().getTime());
  });

  it('fills a free slot at once: one slow job does not hold up the trivial ones behind it', async () => {
    await queue.enqueue({ type: 'close-expired', key: 'SLOW', runAt: new Date(clock.now().getTime() - 1) });
    for (let i = 0; i < 10; i++)
      await queue.enqueue({ type: 'close-expired', key: `Q${i}`, runAt: clock.now() });
    const release = deferred();
    const done: string[] = [];
    const jobs = runner(
      {
        'close-expired': async (job) => {
          if (job.key === 'SLOW') await release.promise;
          done.push(job.key);
        },
      },
      { concurrency: 3, pollIntervalMs: 5 },
    );
    jobs.start();
    await until(() => done.length === 10, 'the ten quick jobs');
    expect(done).not.toContain('SLOW');
    await until(() => jobs.active === 1, 'only the slow job left running');
    release.resolve();
    await until(() => done.includes('SLOW'), 'the slow job');
    await jobs.stop();
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    for (let i = 0; i < 5; i++) await queue.enqueue({ type: 'reconcile', key: `C${i}`, runAt: clock.now() });
    const releases: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const jobs = runner(
      {
        reconcile: () =>
          new Promise<void>((resolve) => {
            running++;
            most = Math.max(most, running);
            releases.push(() => {
              running--;
              resolve();
            });
          }),
      },
      { concurrency: 2, pollIntervalMs: 5 },
    );
    jobs.start();
    await until(() => releases.length === 2, 'two jobs to start');
    await new Promise((r) => setTimeout(r, 100)); // many poll intervals: room for a wrong third claim
    expect(releases).toHaveLength(2);
    const lockedNow = await database.db
      .selectFrom('jobs')
      .select('key')
      .where('locked_by', '=', 'worker-a')
      .where('done_at', 'is', null)
      .execute();
    expect(lockedNow).toHaveLength(2);

    releases[0]!();
    await until(() => releases.length === 3, 'the third job to start in the freed slot');
    for (let i = 1; i < 5; i++) {
      await until(() => releases.length > i, `job ${i + 1}`);
      releases[i]!();
    }
    await jobs.stop();
    expect(most).toBe(2);
  });
});
