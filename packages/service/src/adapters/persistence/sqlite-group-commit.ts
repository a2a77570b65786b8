import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

/** Runs one compiled statement: the rows of a reader, nothing for a writer. */
export type RunStatement = (query: CompiledQuery) => unknown[];

/** Gives `work` the connection once no Kysely query or transaction is using it. */
export type WithConnection = (work: () => Promise<void>) => Promise<void>;

type Outcome = { value: unknown } | { error: unknown };

interface Pending {
  work: (run: RunStatement) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the write transactions asked for during one turn of the event loop are committed
 * together, as one SQLite transaction.
 *
 * Why: on SQLite most of a short write transaction's cost is its commit — appending every page it
 * dirtied to the WAL, one `pwrite` a page, plus the file locks. Thirty payment notifications that
 * arrive together touch the same few pages of `orders`, `order_history` and their indexes, so
 * committing them at once writes those pages once instead of thirty times.
 *
 * What each caller still gets: its work is all-or-nothing (a throw rejects its promise and stores
 * none of its writes; the others commit), and its promise settles only after the commit, so an
 * acknowledged write is durable and visible. If the commit itself fails, every caller of the batch
 * is rejected and nothing of it is stored. Latency grows by at most one turn of the loop.
 */
export class SqliteGroupCommit {
  readonly #withConnection: WithConnection;
  readonly #together: (batch: Pending[]) => unknown[];
  #queue: Pending[] = [];
  #scheduled = false;
  /** While a batch runs: the index of the unit whose work is running, else -1. */
  #running = -1;

  constructor(database: SqliteDatabase.Database, run: RunStatement, withConnection: WithConnection) {
    this.#withConnection = withConnection;
    const together = database.transaction((batch: Pending[]) => {
      const values = batch.map((pending, i) => {
        this.#running = i;
        return pending.work(run);
      });
      this.#running = -1;
      return values;
    });
    // IMMEDIATE takes the write lock up front: a deferred transaction that starts by reading could
    // find another process's commit in the way when it upgrades, and fail with SQLITE_BUSY.
    this.#together = (batch) => {
      this.#running = -1;
      return together.immediate(batch);
    };
  }

  /**
   * Runs the batch as one transaction. No savepoints (they cost a sub-journal per unit): if a unit
   * throws, the transaction is rolled back, that unit gets its error, and the rest run again without
   * it — which is why a unit must do nothing but run statements. If BEGIN or COMMIT fails, every
   * unit gets that error and nothing is stored.
   */
  #inTransaction(batch: Pending[]): Outcome[] {
    let failed: number;
    let failure: unknown;
    try {
      return this.#together(batch).map((value) => ({ value }));
    } catch (error) {
      failed = this.#running;
      failure = error;
    }
    if (failed < 0) return batch.map(() => ({ error: failure }));
    const rest = this.#inTransaction(batch.filter((_, i) => i !== failed));
    return batch.map((_, i) => (i === failed ? { error: failure } : rest[i < failed ? i : i - 1]!));
  }

  /**
   * Runs `work` in the next group commit and settles after it. `work` must be synchronous and do
   * nothing but run statements: it may be run again if another unit of its batch fails.
   */
  submit<T>(work: (run: RunStatement) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /**
   * One flush at a time: the batch is taken only once the connection is ours, so writes asked for
   * while it waited join it, and batches commit in the order they were asked for.
   */
  async #flush(): Promise<void> {
    let batch: Pending[] | undefined;
    let outcomes: Outcome[] | undefined;
    let failure: unknown;
    try {
      await this.#withConnection(async () => {
        batch = this.#take();
        try {
          outcomes = this.#inTransaction(batch);
        } catch (error) {
          failure = error; // the commit failed: nothing of this batch is stored
        }
      });
    } catch (error) {
      failure = error; // the connection is gone: nothing ran
    }
    batch ??= this.#take();
    batch.forEach((pending, i) => {
      const outcome = outcomes?.[i] ?? { error: failure };
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
    });
  }

  #take(): Pending[] {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    return batch;
  }
}
