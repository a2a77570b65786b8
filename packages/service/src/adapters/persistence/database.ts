import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema, Dialect } from './database-schema.js';
import { registerDirectSqlite } from './direct-sqlite.js';
import { migrateToLatest } from './migrations/schema-migrator.js';

export interface DatabaseOptions {
  /** A PostgreSQL URL (`DATABASE_URL`); when absent the embedded SQLite database is used. */
  url?: string;
  /** PostgreSQL schema to work in (created if missing); isolates tests and co-hosted services. */
  schema?: string;
  /** SQLite file `<dataDir>/service.db`; without it, an in-memory database. */
  dataDir?: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
  /**
   * PostgreSQL `statement_timeout` of the pool's connections, in ms (`DATABASE_STATEMENT_TIMEOUT_MS`);
   * absent leaves the server's or role's setting. Migrations run without any timeout.
   */
  statementTimeoutMs?: number;
}

export interface Database {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
  close(): Promise<void>;
}

const PG_INT8_OID = 20;

/** Opens SQLite or PostgreSQL and brings the schema up to date before anything else touches it. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    await migratePostgres(options.url, options.schema);
    const timeout = options.statementTimeoutMs;
    const db = postgresPool(
      options.url,
      options,
      timeout === undefined ? {} : { statement_timeout: timeout },
    );
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const { db, dialect } = openSqlite(options.dataDir);
  try {
    await migrateToLatest(db, dialect, undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, close: () => db.destroy() };
}

/**
 * Migrates on a pool of its own, closed afterwards: migrating pins one connection for the advisory
 * lock and needs a second for the migrations, whatever the service's pool size, and waiting for
 * another instance's migration or running a long one must not be cut by the statement or lock
 * timeout meant for requests (the service's own, or one set on the role).
 */
async function migratePostgres(url: string, schema: string | undefined): Promise<void> {
  const db = postgresPool(url, { schema, maxConnections: 2 }, { statement_timeout: 0, lock_timeout: 0 });
  try {
    await migrateToLatest(db, 'postgres', schema);
  } finally {
    await db.destroy();
  }
}

function openSqlite(dataDir: string | undefined): { db: Kysely<DatabaseSchema>; dialect: Dialect } {
  let file = ':memory:';
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'service.db');
  }
  const database = new SqliteDatabase(file);
  // WAL lets readers run beside the single writer; NORMAL is durable across process crashes in WAL.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const cached = withStatementCache(database);
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: cached }) });
  registerDirectSqlite(db, database, cached.prepare);
  return { db, dialect: 'sqlite' };
}

const MAX_CACHED_STATEMENTS = 256;

/**
 * Kysely prepares every query afresh, and with better-sqlite3 preparing costs as much as running a
 * short statement. The service issues the same few statements over and over, so each is prepared
 * once. better-sqlite3 statements are reusable (nothing here iterates one lazily) and re-prepare
 * themselves after a schema change.
 */
function withStatementCache(
  database: SqliteDatabase.Database,
): SqliteDialectDatabase & { prepare(sql: string): SqliteDatabase.Statement } {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size < MAX_CACHED_STATEMENTS) statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** A pool whose every connection starts with `settings` (and the schema as its `search_path`). */
function postgresPool(
  url: string,
  options: DatabaseOptions,
  settings: Record<string, number>,
): Kysely<DatabaseSchema> {
  const startup = Object.entries({
    ...(options.schema ? { search_path: assertSchemaName(options.schema) } : {}),
    ...settings,
  }).map(([name, value]) => `-c ${name}=${value}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(startup.length > 0 ? { options: startup.join(' ') } : {}),
    // Epoch-millisecond and fen columns are bigint; they fit a JS number exactly, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
}

/** Lower-case plain identifiers only: they need no quoting in `search_path`, so nothing can be injected. */
function assertSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return name;
}
