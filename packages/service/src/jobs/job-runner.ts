import { type Kysely, type Selectable, sql } from 'kysely';
import type { DatabaseSchema, Dialect, JobsTable } from '../adapters/persistence/database-schema.js';
import type { Clock } from '../domain/ports.js';

/** A claimed job as a handler sees it. */
export interface Job {
  id: number;
  type: string;
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** Failed attempts before this one. */
  attempts: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobRunnerOptions {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
  /** Only these types are claimed, so services with different handlers can share one table. */
  handlers: Record<string, JobHandler>;
  /** Written into `locked_by`; unique per process. */
  workerId: string;
  /** How often an idle runner looks for due jobs, default 500 ms. */
  pollIntervalMs?: number;
  /**
   * Most jobs running at once in this runner, default 10. Free slots are filled as soon as a job
   * ends, so one slow job never holds up the others.
   */
  concurrency?: number;
  /** After this long a claimed job counts as abandoned (its worker died) and is claimed again. */
  lockMs?: number;
  /**
   * How often a running job's lock is extended by another `lockMs`, default a third of `lockMs`: a
   * job slower than its lock (a close that waits out WeChat's timeouts) is not taken for abandoned.
   */
  lockRenewMs?: number;
  clock: Clock;
  /** Give up after this many failed attempts; retries forever when absent. */
  maxAttempts?: number;
  /** Delay before the next attempt, given the failed attempts so far (≥ 1) and the job. */
  backoff?: (attempts: number, job: Job) => number;
  /** Told about every failed attempt (for logs and metrics); gets the job and the error message. */
  onFailure?: (job: Job, message: string) => void;
  /** Told when claiming failed (database unreachable); polling goes on at the next interval. */
  onPollError?: (error: unknown) => void;
}

const MAX_ERROR_LENGTH = 1000;

/** 5 s, 10 s, 20 s … capped at 10 minutes. */
export function exponentialBackoff(attempts: number): number {
  return cappedBackoff(600_000)(attempts);
}

/** 5 s, 10 s, 20 s … never more than `capMs`: for work that must happen soon after WeChat recovers. */
export function cappedBackoff(capMs: number): (attempts: number) => number {
  return (attempts) => Math.min(5_000 * 2 ** Math.max(0, Math.min(attempts, 31) - 1), capMs);
}

/**
 * {@link exponentialBackoff}, with a lower cap for the job types named in `caps` (type → ms): how
 * long a job of that type may wait, at most, after the moment WeChat starts answering again.
 */
export function backoffByType(
  caps: Readonly<Record<string, number>>,
): (attempts: number, job: Job) => number {
  const capped = new Map(Object.entries(caps).map(([type, cap]) => [type, cappedBackoff(cap)]));
  return (attempts, job) => (capped.get(job.type) ?? exponentialBackoff)(attempts);
}

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
  readonly #active = new Set<Promise<void>>();

  constructor(options: JobRunnerOptions) {
    const concurrency = options.concurrency ?? 10;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new Error('concurrency must be a whole number of at least 1');
    }
    this.#options = {
      ...options,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      concurrency,
      lockMs: options.lockMs ?? 30_000,
      lockRenewMs: options.lockRenewMs ?? Math.max(1, Math.floor((options.lockMs ?? 30_000) / 3)),
      backoff: options.backoff ?? exponentialBackoff,
    };
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

  /** Stops claiming and waits for the jobs already running, so none is cut off mid-way. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#claiming;
    await Promise.all(this.#active);
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
        (jobs) => {
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
    const running: Promise<void> = this.#run(job)
      .catch((error: unknown) => this.#options.onPollError?.(error))
      .finally(() => {
        this.#active.delete(running);
        this.#fill();
      });
    this.#active.add(running);
  }

  async #claim(limit: number): Promise<Job[]> {
    const { db, dialect, handlers, workerId, lockMs, clock } = this.#options;
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
      .set({ locked_by: workerId, locked_until: now + lockMs })
      .where('id', 'in', dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .returningAll()
      .execute();
    return rows.sort((a, b) => Number(a.run_at) - Number(b.run_at)).map(toJob);
  }

  async #run(job: Job): Promise<void> {
    const { db, handlers, workerId, clock, maxAttempts, backoff, onFailure, lockMs, lockRenewMs } =
      this.#options;
    const mine = db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', workerId);
    // The final update waits for a renewal in flight, so none can re-lock a job after it is released.
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = mine
        .where('done_at', 'is', null)
        .set({ locked_until: clock.now().getTime() + lockMs })
        .execute()
        .catch((error: unknown) => this.#options.onPollError?.(error));
    }, lockRenewMs);
    renew.unref();
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
      onFailure?.(job, message);
    }
  }
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
