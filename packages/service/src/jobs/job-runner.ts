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
  pollIntervalMs?: number;
  batchSize?: number;
  /** After this long a claimed job counts as abandoned (its worker died) and is claimed again. */
  lockMs?: number;
  clock: Clock;
  /** Give up after this many failed attempts; retries forever when absent. */
  maxAttempts?: number;
  /** Delay before the next attempt, given the number of failed attempts so far (≥ 1). */
  backoff?: (attempts: number) => number;
  /** Told about every failed attempt (for logs and metrics); gets the job and the error message. */
  onFailure?: (job: Job, message: string) => void;
  /** Told when claiming failed (database unreachable); polling goes on at the next interval. */
  onPollError?: (error: unknown) => void;
}

const MAX_ERROR_LENGTH = 1000;

/** 5 s, 10 s, 20 s … capped at 10 minutes. */
export function exponentialBackoff(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);
}

/**
 * Runs durable jobs from the `jobs` table. A job is claimed by stamping `locked_by`/`locked_until`
 * in one statement (with `FOR UPDATE SKIP LOCKED` on PostgreSQL so many instances share the work
 * without waiting on each other); a job whose lock expired — its worker died — is simply claimed
 * again, which is how scheduled work survives restarts. Handlers must therefore be idempotent.
 */
export class JobRunner {
  readonly #options: Required<Omit<JobRunnerOptions, 'maxAttempts' | 'onFailure' | 'onPollError'>> &
    Pick<JobRunnerOptions, 'maxAttempts' | 'onFailure' | 'onPollError'>;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #current: Promise<unknown> = Promise.resolve();

  constructor(options: JobRunnerOptions) {
    this.#options = {
      ...options,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      batchSize: options.batchSize ?? 10,
      lockMs: options.lockMs ?? 30_000,
      backoff: options.backoff ?? exponentialBackoff,
    };
  }

  /** Polls until {@link stop}; a failing poll (database briefly down) is retried on the next tick. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops polling and waits for the jobs already running, so none is cut off mid-way. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  /** Claims the jobs due now and runs them; resolves with how many ran. */
  async runDueOnce(): Promise<number> {
    const jobs = await this.#claim();
    await Promise.all(jobs.map((job) => this.#run(job)));
    return jobs.length;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#current = this.runDueOnce()
        .catch((error: unknown) => {
          this.#options.onPollError?.(error);
          return 0;
        })
        .then((ran) => {
          // A full batch suggests more are due: go again at once instead of waiting a poll interval.
          if (this.#running)
            this.#schedule(ran >= this.#options.batchSize ? 0 : this.#options.pollIntervalMs);
        });
    }, delayMs);
  }

  async #claim(): Promise<Job[]> {
    const { db, dialect, handlers, workerId, batchSize, lockMs, clock } = this.#options;
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
      .limit(batchSize);
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
    const { db, handlers, workerId, clock, maxAttempts, backoff, onFailure } = this.#options;
    const mine = db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', workerId);
    try {
      await handlers[job.type]!(job);
      await mine.set({ done_at: clock.now().getTime(), locked_until: null }).execute();
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
      const attempts = job.attempts + 1;
      const now = clock.now().getTime();
      const givingUp = maxAttempts !== undefined && attempts >= maxAttempts;
      await mine
        .set({
          attempts,
          last_error: message,
          locked_until: null,
          run_at: givingUp ? sql<number>`run_at` : now + backoff(attempts),
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
