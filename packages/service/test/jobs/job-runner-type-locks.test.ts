import { beforeEach, expect, it } from 'vitest';
import { KyselyJobQueue } from '../../src/adapters/persistence/index.js';
import { JobRunner, type JobRunnerOptions } from '../../src/jobs/index.js';
import { forEachEngine, manualClock } from '../persistence/test-databases.js';

/**
 * A type somebody waits on locks for less: when the worker holding it dies (here: its handlers never
 * return, and it is never stopped), another worker takes that job once its short lock has passed,
 * while the dead worker's other jobs stay locked for the full `lockMs`.
 */
forEachEngine('JobRunner lockMsByType', (database) => {
  let clock: ReturnType<typeof manualClock>;
  let queue: KyselyJobQueue;

  beforeEach(() => {
    clock = manualClock();
    queue = new KyselyJobQueue(database.db, clock);
  });

  const runner = (
    workerId: string,
    handlers: JobRunnerOptions['handlers'],
    locks: Pick<JobRunnerOptions, 'lockMs' | 'lockMsByType'> = {},
  ) =>
    new JobRunner({
      db: database.db,
      dialect: database.dialect,
      handlers,
      workerId,
      clock,
      lockMs: 30_000,
      lockMsByType: { micropay: 5_000 },
      pollIntervalMs: 60_000,
      ...locks,
    });
  const lockOf = async (key: string) =>
    Number(
      (
        await database.db
          .selectFrom('jobs')
          .select('locked_until')
          .where('key', '=', key)
          .executeTakeFirstOrThrow()
      ).locked_until,
    );
  /** The job's lock once a claim under way has written it. */
  const lockOnceClaimed = async (key: string) => {
    for (let i = 0; i < 200 && (await lockOf(key)) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    return lockOf(key);
  };

  it('claims each job with its own type’s lock, and a dead worker’s short-lock job is taken first', async () => {
    await queue.enqueue({ type: 'micropay', key: 'TILL', runAt: clock.now() });
    await queue.enqueue({ type: 'close-expired', key: 'SHELF', runAt: clock.now() });
    const hang = () => new Promise<void>(() => {});
    const dead = runner('worker-dead', { micropay: hang, 'close-expired': hang });
    void dead.runDueOnce();
    const claimedAt = clock.now().getTime();
    expect(await lockOnceClaimed('SHELF')).toBe(claimedAt + 30_000);
    expect(await lockOf('TILL')).toBe(claimedAt + 5_000);

    const ran: string[] = [];
    const alive = runner('worker-alive', {
      micropay: async (job) => void ran.push(job.key),
      'close-expired': async (job) => void ran.push(job.key),
    });
    clock.advance(4_999);
    expect(await alive.runDueOnce()).toBe(0);
    clock.advance(2);
    expect(await alive.runDueOnce()).toBe(1);
    expect(ran).toEqual(['TILL']);
    clock.advance(25_000);
    expect(await alive.runDueOnce()).toBe(1);
    expect(ran).toEqual(['TILL', 'SHELF']);
  });

  it('never locks a type for longer than lockMs', async () => {
    await queue.enqueue({ type: 'micropay', key: 'LONG', runAt: clock.now() });
    const longType = runner(
      'worker-x',
      { micropay: () => new Promise<void>(() => {}) },
      { lockMs: 2_000, lockMsByType: { micropay: 60_000 } },
    );
    void longType.runDueOnce();
    expect(await lockOnceClaimed('LONG')).toBe(clock.now().getTime() + 2_000);
  });
});
