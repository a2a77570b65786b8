import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

/** Runs one compiled statement: the rows of a reader, nothing for a writer. */
export type RunStatement = (query: CompiledQuery) => unknown[];

/**
 * The SQLite connection behind a Kysely handle, for the few hot paths where Kysely's per-query and
 * per-transaction machinery costs more than SQLite itself (a payment notification: one short
 * transaction of three statements). better-sqlite3 is synchronous, so work done here cannot
 * interleave with anything else in the process.
 *
 * The one state that outlives a Kysely call is an open transaction (Kysely awaits between its
 * statements): while one is open, `transaction` and `read` decline with `undefined` and the caller
 * takes the Kysely path, so nothing ever joins or peeks into someone else's transaction.
 */
export interface DirectSqlite {
  /** Runs `work` as one transaction (rolled back if it throws), or `undefined` if one is open. */
  transaction<T>(work: (run: RunStatement) => T): { value: T } | undefined;
  /** Runs one reader outside any transaction, or `undefined` if a transaction is open. */
  read(query: CompiledQuery): unknown[] | undefined;
}

const registry = new WeakMap<object, DirectSqlite>();

/** Registers the connection of a Kysely handle; `prepare` is the handle's statement cache. */
export function registerDirectSqlite(
  db: object,
  database: SqliteDatabase.Database,
  prepare: (sql: string) => SqliteDatabase.Statement,
): void {
  const run: RunStatement = (query) => {
    const statement = prepare(query.sql);
    if (statement.reader) return statement.all(query.parameters as unknown[]);
    statement.run(query.parameters as unknown[]);
    return [];
  };
  registry.set(db, {
    transaction(work) {
      if (database.inTransaction) return undefined;
      return { value: database.transaction(() => work(run))() };
    },
    read(query) {
      return database.inTransaction ? undefined : run(query);
    },
  });
}

/** The direct path of a SQLite Kysely handle opened by `openDatabase`; `undefined` on PostgreSQL. */
export function directSqliteOf(db: object): DirectSqlite | undefined {
  return registry.get(db);
}
