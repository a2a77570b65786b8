import { type Selectable, sql } from 'kysely';
import type { JobsTable } from '../adapters/persistence/database-schema.js';
import { exponentialBackoff } from './job-backoff.js';
import type { Job, JobRunnerOptions, JobStopOptions, JobStopResult } from './job-types.js';

const MAX_ERROR_LENGTH = 1000;

/**
 * Runs durable jobs from the `jobs` table. A job is claimed by stamping `locked_by`/`locked_until`
 * in one statement (with `FOR UPDATE SKIP LOCKED` on PostgreSQL so many instances share the work
 * without waiting on each other); a job whose lock expired — its worker died — is simply claimed
 * again, which is how scheduled work survives restarts. Handlers must therefore be idempotent.
 *
 * Claiming is continuous: up to `concurrency` jobs run at once, and every job that ends frees its
 * slot for the next due job at once, rather than a batch waiting for its slowest member.
 */
export class JobRunner {
  readonly #options: Required<Omit<JobRunnerOptions, 'maxAttempts' | 'onFailure' | 'onPollError'>> &
    Pick<JobRunnerOptions, 'maxAttempts' | 'onFailure' | 'onPollError'>;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #claiming: Promise<void> | undefined;
  /** A wake-up came while a claim was under way: claim again right after it. */
  #wokenWhileClaiming = false;
  /** Each running job's promise, and how to give it up (stop its renewals, release its lock). */
  readonly #active = new Map<Promise<void>, () => Promise<boolean>>();
  #released = 0;

  constructor(options: JobRunnerOptions) {
    const concurrency = options.concurrency ?? 10;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new Error('concurrency must be a whole number of at least 1');
    }
    const lockMs = options.lockMs ?? 30_000;
    this.#options = {
      ...options,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      concurrency,
      lockMs,
      lockRenewMs: options.lockRenewMs ?? Math.max(1, Math.floor(lockMs / 3)),
      lockMsByType: Object.fromEntries(
        Object.entries(options.lockMsByType ?? {}).map(([type, ms]) => [type, Math.min(ms, lockMs)]),
      ),
      backoff: options.backoff ?? exponentialBackoff,
    };
  }

  /** The lock a job of `type` is claimed and renewed with, and how often it is renewed. */
  #lockOf(type: string): { lockMs: number; renewMs: number } {
    const own = this.#options.lockMsByType[type];
    return own === undefined
      ? { lockMs: this.#options.lockMs, renewMs: this.#options.lockRenewMs }
      : { lockMs: own, renewMs: Math.max(1, Math.floor(own / 3)) };
  }

  /** How many jobs this runner is running now. */
  get active(): number {
    return this.#active.size;
  }

  /** Polls until {@link stop}; a failing poll (database briefly down) is retried on the next tick. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#fill();
  }

  /**
   * Stops claiming at once and waits for the jobs already running — up to `graceMs`, after which
   * each one still running is abandoned and its lock released (see {@link JobStopOptions}). Jobs a
   * claim in flight brings back are released unstarted. Either way no job this runner held waits
   * for its lock to expire before another instance may take it.
   */
  async stop(options: JobStopOptions = {}): Promise<JobStopResult> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#released = 0;
    await this.#claiming;
    const running = [...this.#active.keys()];
    let timer: NodeJS.Timeout | undefined;
    const graceOver =
      options.graceMs === undefined
        ? new Promise<never>(() => {})
        : new Promise<'grace over'>((done) => {
            timer = setTimeout(() => done('grace over'), options.graceMs);
          });
    const outcome = await Promise.race([Promise.all(running).then(() => 'all done' as const), graceOver]);
    clearTimeout(timer);
    let abandoned = 0;
    if (outcome === 'grace over') {
      for (const [job, abandon] of [...this.#active]) {
        this.#active.delete(job);
        if (await abandon()) abandoned++;
      }
    }
    return { finished: running.length - abandoned, abandoned, released: this.#released };
  }

  /**
   * A job was just written that someone waits for (a customer at the till): claim now instead of
   * at the next poll. Only this instance is told; the others find it at their own next poll.
   */
  wake(): void {
    if (!this.#running) return;
    if (this.#claiming) this.#wokenWhileClaiming = true;
    else this.#fill();
  }

  /** Claims the jobs due now (up to `concurrency`) and runs them; resolves with how many ran. */
  async runDueOnce(): Promise<number> {
    const jobs = await this.#claim(this.#options.concurrency);
    await Promise.all(jobs.map((job) => this.#run(job)));
    return jobs.length;
  }

  /** Claims as many due jobs as there are free slots; polls again later only when fewer were due. */
  #fill(): void {
    if (!this.#running || this.#claiming) return;
    const free = this.#options.concurrency - this.#active.size;
    if (free <= 0) return; // the next job to end calls this again
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#claiming = this.#claim(free)
      .then(
        async (jobs) => {
          if (!this.#running) {
            // Stopping began while this claim was on its way: hand the jobs back unstarted.
            await this.#release(jobs.map((job) => job.id));
            this.#released += jobs.length;
            return false;
          }
          for (const job of jobs) this.#launch(job);
          return jobs.length === free;
        },
        (error: unknown) => {
          this.#options.onPollError?.(error);
          return false;
        },
      )
      .then((maybeMore) => {
        this.#claiming = undefined;
        if (!this.#running) return;
        const woken = this.#wokenWhileClaiming;
        this.#wokenWhileClaiming = false;
        if (maybeMore || woken) this.#fill();
        else this.#timer = setTimeout(() => this.#fill(), this.#options.pollIntervalMs);
      });
  }

  #launch(job: Job): void {
    const control = { abandoned: false, stopRenewing: () => {} };
    const running: Promise<void> = this.#run(job, control)
      .catch((error: unknown) => this.#options.onPollError?.(error))
      .finally(() => {
        this.#active.delete(running);
        this.#fill();
      });
    this.#active.set(running, async () => {
      control.abandoned = true;
      control.stopRenewing();
      return (await this.#release([job.id])) > 0;
    });
  }

  /** Unlocks these jobs of this runner that are not done, so any runner may claim them now. */
  async #release(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { db, workerId } = this.#options;
    const rows = await db
      .updateTable('jobs')
      .set({ locked_by: null, locked_until: null })
      .where('id', 'in', ids)
      .where('locked_by', '=', workerId)
      .where('done_at', 'is', null)
      .executeTakeFirst()
      .catch((error: unknown) => {
        this.#options.onPollError?.(error);
        return undefined;
      });
    return Number(rows?.numUpdatedRows ?? 0);
  }

  async #claim(limit: number): Promise<Job[]> {
    const { db, dialect, handlers, workerId, lockMs, lockMsByType, clock } = this.#options;
    const types = Object.keys(handlers);
    if (types.length === 0) return [];
    const now = clock.now().getTime();
    const due = db
      .selectFrom('jobs')
      .select('id')
      .where('done_at', 'is', null)
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .where('type', 'in', types)
      .orderBy('run_at')
      .limit(limit);
    const rows = await db
      .updateTable('jobs')
      .set({ locked_by: workerId, locked_until: lockedUntil(now, lockMs, lockMsByType) })
      .where('id', 'in', dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .returningAll()
      .execute();
    return rows.sort((a, b) => Number(a.run_at) - Number(b.run_at)).map(toJob);
  }

  async #run(job: Job, control?: { abandoned: boolean; stopRenewing: () => void }): Promise<void> {
    const { db, handlers, workerId, clock, maxAttempts, backoff, onFailure } = this.#options;
    const { lockMs, renewMs } = this.#lockOf(job.type);
    const mine = db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', workerId);
    // The final update waits for a renewal in flight, so none can re-lock a job after it is released.
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = mine
        .where('done_at', 'is', null)
        .set({ locked_until: clock.now().getTime() + lockMs })
        .execute()
        .catch((error: unknown) => this.#options.onPollError?.(error));
    }, renewMs);
    renew.unref();
    if (control) control.stopRenewing = () => clearInterval(renew);
    try {
      await handlers[job.type]!(job);
      clearInterval(renew);
      await renewing;
      await mine.set({ done_at: clock.now().getTime(), locked_until: null }).execute();
    } catch (error) {
      clearInterval(renew);
      await renewing;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
      const attempts = job.attempts + 1;
      const now = clock.now().getTime();
      const givingUp = maxAttempts !== undefined && attempts >= maxAttempts;
      await mine
        .set({
          attempts,
          last_error: message,
          locked_until: null,
          run_at: givingUp ? sql<number>`run_at` : now + backoff(attempts, job),
          done_at: givingUp ? now : null,
          failed_at: givingUp ? now : null,
        })
        .execute();
      // An abandoned job's failure is no failure of the job: it was cut off, and runs again elsewhere.
      if (!control?.abandoned) onFailure?.(job, message);
    }
  }
}

/**
 * What a claim writes into `locked_until`: `now + lockMs`, or, when some types lock for less, a
 * `CASE` on each row's type. The times are integers this process computed, written as literals so
 * both databases read them as integers.
 */
function lockedUntil(now: number, lockMs: number, byType: Readonly<Record<string, number>>) {
  const types = Object.entries(byType);
  if (types.length === 0) return now + lockMs;
  const cases = types.map(([type, ms]) => sql`when ${type} then ${sql.lit(now + ms)}`);
  return sql<number>`case type ${sql.join(cases, sql` `)} else ${sql.lit(now + lockMs)} end`;
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: Number(row.id),
    type: row.type,
    key: row.key,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    runAt: new Date(Number(row.run_at)),
    attempts: Number(row.attempts),
  };
}
