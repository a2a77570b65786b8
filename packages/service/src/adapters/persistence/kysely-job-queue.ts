import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Clock, JobQueue, NewJob } from '../../domain/ports.js';
import { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './row-mapper.js';

/** A database handle or an open transaction: jobs are written wherever the caller's work is. */
export type DatabaseExecutor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * Inserts jobs, silently skipping one whose (type, key) is already pending, so a retried request
 * or a repeated notification never schedules the same work twice. Called inside the order's own
 * transaction by the order repository, which is what makes jobs survive a crash right after commit.
 */
export async function enqueueJobs(
  executor: DatabaseExecutor,
  jobs: readonly NewJob[],
  now: Date,
  queries: CompiledQueryCache = new CompiledQueryCache(),
): Promise<void> {
  const insert = compileEnqueueJobs(executor, jobs, now, queries);
  if (insert) await executor.executeQuery(insert);
}

/** The statement {@link enqueueJobs} runs, for a caller that runs it itself; none for no jobs. */
export function compileEnqueueJobs(
  executor: DatabaseExecutor,
  jobs: readonly NewJob[],
  now: Date,
  queries: CompiledQueryCache,
): CompiledQuery | undefined {
  if (jobs.length === 0) return undefined;
  const createdAt = toMillis(now);
  const rows = jobs.map((job) => ({
    type: job.type,
    key: job.key,
    run_at: toMillis(job.runAt),
    attempts: 0,
    created_at: createdAt,
    payload: JSON.stringify(job.payload ?? {}),
  }));
  return queries.query(`enqueue:${rows.length}`, rows.flatMap(Object.values), () =>
    executor
      .insertInto('jobs')
      .values(rows)
      .onConflict((oc) => oc.columns(['type', 'key']).where('done_at', 'is', null).doNothing()),
  );
}

/** The {@link JobQueue} port for work scheduled outside an order transaction (e.g. a reconcile). */
export class KyselyJobQueue implements JobQueue {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #clock: Clock;
  readonly #queries = new CompiledQueryCache();

  constructor(db: Kysely<DatabaseSchema>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async enqueue(job: NewJob): Promise<void> {
    await enqueueJobs(this.#db, [job], this.#clock.now(), this.#queries);
  }
}
