import type { Kysely } from 'kysely';
import type { DatabaseSchema, Dialect } from '../adapters/persistence/database-schema.js';
import type { Clock } from '../domain/ports.js';

/* The job runner's vocabulary, apart from the runner so its options and results read on their own. */

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
   * A shorter lock for the types somebody stands waiting on (a customer at the till while a payment
   * code settles): if the process dies, another instance takes the job within this instead of
   * `lockMs`. Renewed every third of it, like `lockMs`. Never longer than `lockMs`.
   */
  lockMsByType?: Readonly<Record<string, number>>;
  /**
   * How often a running job's lock is extended by another `lockMs`, default a third of `lockMs`: a
   * job slower than its lock (a close that waits out WeChat's timeouts) is not taken for abandoned.
   * A type with its own lock ({@link lockMsByType}) is renewed every third of that one.
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

/** How {@link JobRunner.stop} ends: how long it waits for running jobs before it gives them up. */
export interface JobStopOptions {
  /**
   * Wait at most this long for running jobs (default: as long as they take). A job still running
   * then is abandoned: its lock is released at once, so another instance claims it at its next
   * poll instead of after the lock expires; the handler may still finish here, but no longer
   * records anything, and the other instance runs it again (handlers are idempotent).
   */
  graceMs?: number;
}

/** What {@link JobRunner.stop} did with the jobs it held. */
export interface JobStopResult {
  /** Jobs that ended (done or failed) while stopping. */
  finished: number;
  /** Jobs still running at the end of the grace period, released to other instances. */
  abandoned: number;
  /** Jobs claimed just as stopping began, never started, released. */
  released: number;
}
