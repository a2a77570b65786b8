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
}

export interface Database {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
  close(): Promise<void>;
}

const PG_INT8_OID = 20;

/** Opens SQLite or PostgreSQL and brings the schema up to date before anything else touches it. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const { db, dialect } = options.url ? openPostgres(options.url, options) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(db, dialect, dialect === 'postgres' ? options.schema : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, close: () => db.destroy() };
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

function openPostgres(
  url: string,
  options: DatabaseOptions,
): { db: Kysely<DatabaseSchema>; dialect: Dialect } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(options.schema ? { options: `-c search_path=${assertSchemaName(options.schema)}` } : {}),
    // Epoch-millisecond and fen columns are bigint; they fit a JS number exactly, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return { db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}

/** Lower-case plain identifiers only: they need no quoting in `search_path`, so nothing can be injected. */
function assertSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return name;
}
