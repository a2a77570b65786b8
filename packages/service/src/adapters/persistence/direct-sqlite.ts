import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { asOneStatement } from './postgres-one-statement.js';
import { type RunStatement, SqliteGroupCommit } from './sqlite-group-commit.js';

export type { RunStatement } from './sqlite-group-commit.js';

/**
 * The SQLite connection behind a Kysely handle, for the few hot paths where Kysely's per-query and
 * per-transaction machinery costs more than SQLite itself (a payment notification: one short
 * transaction of three statements). better-sqlite3 is synchronous, so work done here cannot
 * interleave with anything else in the process.
 *
 * Writes are group-committed ({@link SqliteGroupCommit}) and wait their turn on the connection like
 * any Kysely query, so they never join or interleave with a transaction Kysely has open (Kysely
 * awaits between its statements). A read runs at once, or declines with `undefined` while such a
 * transaction is open, and the caller takes the Kysely path: nothing ever peeks into someone else's
 * transaction.
 */
export interface DirectSqlite {
  /** Runs `work` as one all-or-nothing unit of the next group commit; settles once committed. */
  write<T>(work: (run: RunStatement) => T): Promise<T>;
  /** Runs one reader outside any transaction, or `undefined` if a transaction is open. */
  read(query: CompiledQuery): unknown[] | undefined;
}

const registry = new WeakMap<object, DirectSqlite>();

/** Registers the connection of a Kysely handle; `prepare` is the handle's statement cache. */
export function registerDirectSqlite<DB>(
  db: Kysely<DB>,
  database: SqliteDatabase.Database,
  prepare: (sql: string) => SqliteDatabase.Statement,
): void {
  const run: RunStatement = (query) => {
    const statement = prepare(query.sql);
    if (statement.reader) return statement.all(query.parameters as unknown[]);
    statement.run(query.parameters as unknown[]);
    return [];
  };
  const group = new SqliteGroupCommit(database, run, (work) => db.connection().execute(work));
  registry.set(db, {
    write: (work) => group.submit(work),
    read: (query) => (database.inTransaction ? undefined : run(query)),
  });
}

/** The direct path of a SQLite Kysely handle opened by `openDatabase`; `undefined` on PostgreSQL. */
export function directSqliteOf(db: object): DirectSqlite | undefined {
  return registry.get(db);
}

/**
 * Runs `lead` and then, only if it returned a row, `followers`, all in one transaction, and gives
 * back that row: a conditional `UPDATE … RETURNING` or an `INSERT … RETURNING` with the rows that
 * must be written with it. On SQLite the statements run directly, group-committed; on PostgreSQL
 * as one statement of CTEs, one round trip ({@link asOneStatement}); a shape that cannot be
 * combined runs in a Kysely transaction (a lone statement needs none).
 */
export async function writeInOneTransaction<Row>(
  db: Kysely<DatabaseSchema>,
  lead: CompiledQuery,
  followers: readonly CompiledQuery[],
): Promise<Row | undefined> {
  const direct = directSqliteOf(db);
  if (direct) {
    return direct.write((run) => {
      const row = run(lead)[0] as Row | undefined;
      if (row) for (const statement of followers) run(statement);
      return row;
    });
  }
  const single = followers.length === 0 ? lead : asOneStatement(lead, followers);
  if (single) return (await db.executeQuery(single)).rows[0] as Row | undefined;
  return db.transaction().execute(async (trx) => {
    const row = (await trx.executeQuery(lead)).rows[0] as Row | undefined;
    if (row) for (const statement of followers) await trx.executeQuery(statement);
    return row;
  });
}

/**
 * {@link writeInOneTransaction} behind a guard: `guard` (a conditional `INSERT … RETURNING`, such
 * as a claim on a unique key) runs first, and only if it returned a row do `lead` and `followers`
 * run. `undefined` when the guard wrote nothing, and then nothing was written at all.
 */
export async function writeGuarded<Row>(
  db: Kysely<DatabaseSchema>,
  guard: CompiledQuery,
  lead: CompiledQuery,
  followers: readonly CompiledQuery[],
): Promise<Row | undefined> {
  const direct = directSqliteOf(db);
  if (direct) {
    return direct.write((run) => {
      if (run(guard).length === 0) return undefined;
      const row = run(lead)[0] as Row | undefined;
      for (const statement of followers) run(statement);
      return row;
    });
  }
  return db.transaction().execute(async (trx) => {
    if ((await trx.executeQuery(guard)).rows.length === 0) return undefined;
    const row = (await trx.executeQuery(lead)).rows[0] as Row | undefined;
    for (const statement of followers) await trx.executeQuery(statement);
    return row;
  });
}

/** Runs a reader: directly on SQLite when no transaction is open there, otherwise through Kysely. */
export async function readRows<Row>(db: Kysely<DatabaseSchema>, query: CompiledQuery): Promise<Row[]> {
  const direct = directSqliteOf(db)?.read(query);
  return (direct ?? (await db.executeQuery(query)).rows) as Row[];
}
