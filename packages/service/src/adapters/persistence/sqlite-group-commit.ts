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
 * together, as one SQLite transaction in which each runs in its own savepoint.
 *
 * Why: on SQLite most of a short write transaction's cost is its commit — appending every page it
 * dirtied to the WAL, one `pwrite` a page, plus the file locks. Thirty payment notifications that
 * arrive together touch the same few pages of `orders`, `order_history` and their indexes, so
 * committing them at once writes those pages once instead of thirty times.
 *
 * What each caller still gets: its work is all-or-nothing (a throw rolls back its savepoint and
 * rejects its promise, the others commit), and its promise settles only after the commit, so an
 * acknowledged write is durable and visible. If the commit itself fails, every caller of the batch
 * is rejected and nothing of it is stored. Latency grows by at most one turn of the loop.
 */
export class SqliteGroupCommit {
  readonly #run: RunStatement;
  readonly #withConnection: WithConnection;
  readonly #inSavepoint: (work: Pending['work']) => unknown;
  readonly #inTransaction: (batch: Pending[]) => Outcome[];
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(database: SqliteDatabase.Database, run: RunStatement, withConnection: WithConnection) {
    this.#run = run;
    this.#withConnection = withConnection;
    // Called inside a transaction, a better-sqlite3 transaction function runs as a savepoint.
    this.#inSavepoint = database.transaction((work: Pending['work']) => work(run));
    const runAll = database.transaction((batch: Pending[]) =>
      batch.map((pending) => {
        if (batch.length === 1) return { value: pending.work(this.#run) };
        try {
          return { value: this.#inSavepoint(pending.work) };
        } catch (error) {
          return { error };
        }
      }),
    );
    // IMMEDIATE takes the write lock up front: a deferred transaction that starts by reading could
    // find another process's commit in the way when it upgrades, and fail with SQLITE_BUSY.
    this.#inTransaction = (batch) => runAll.immediate(batch);
  }

  /** Runs `work` (synchronous statements only) in the next group commit; settles after it. */
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
