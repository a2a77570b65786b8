import { type Kysely, Migrator, sql } from 'kysely';
import type { DatabaseSchema, Dialect } from '../database-schema.js';
import { migrationProvider } from './migration-provider.js';

/**
 * The first key of the PostgreSQL advisory lock that migrating holds (`pg_advisory_lock(key, schema
 * hash)`): fixed, so every instance of the service agrees on it, and paired with the schema so
 * services in different schemas of one database do not wait for each other.
 */
export const MIGRATION_LOCK_KEY = 0x77787061; // "wxpa"

/** Kysely's table of applied migrations. */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Brings the schema up to date. On PostgreSQL the whole of it — creating the schema, reading what
 * is applied, migrating — happens under an advisory lock on one pinned connection, so instances
 * started together on a new database take turns: the first migrates, the others find it done. On
 * both engines a database holding a migration this build does not know (a newer version migrated
 * it) is refused before anything runs: an old build must not write into a schema it cannot read.
 */
export async function migrateToLatest(
  db: Kysely<DatabaseSchema>,
  dialect: Dialect,
  schema: string | undefined,
): Promise<void> {
  if (dialect !== 'postgres') {
    await refuseNewerSchema(db, undefined);
    await runMigrator(db, undefined);
    return;
  }
  const own = schema ?? 'public';
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)}, hashtext(${own}))`.execute(connection);
    try {
      if (schema) await connection.schema.createSchema(schema).ifNotExists().execute();
      await refuseNewerSchema(connection, own);
      // The migrator works on the pool (it pins a connection of its own); this one keeps the lock.
      await runMigrator(db, own);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)}, hashtext(${own}))`.execute(
        connection,
      );
    }
  });
}

/** Throws, naming both versions, when the database has applied a migration this build lacks. */
async function refuseNewerSchema(db: Kysely<DatabaseSchema>, schema: string | undefined): Promise<void> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const applied = await appliedMigrations(db, schema);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const where = schema ? `schema "${schema}"` : 'the database';
  throw new Error(
    `${where} is newer than this service: it is at migration ${applied.at(-1)}, this service knows migrations up to ${known.at(-1)} (unknown: ${unknown.join(', ')}); run the newer service version that migrated it, or a database that matches this one`,
  );
}

/** The applied migrations' names, sorted; none when the migration table does not exist yet. */
async function appliedMigrations(db: Kysely<DatabaseSchema>, schema: string | undefined): Promise<string[]> {
  const exists = schema
    ? await sql<{
        found: string | null;
      }>`select to_regclass(${`${schema}.${MIGRATION_TABLE}`})::text as found`.execute(db)
    : await sql<{
        found: string | null;
      }>`select name as found from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(
        db,
      );
  if (!exists.rows[0]?.found) return [];
  const table = schema ? sql.table(`${schema}.${MIGRATION_TABLE}`) : sql.table(MIGRATION_TABLE);
  const { rows } = await sql<{ name: string }>`select name from ${table} order by name`.execute(db);
  return rows.map((row) => row.name);
}

async function runMigrator(
  db: Kysely<DatabaseSchema>,
  migrationTableSchema: string | undefined,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    // Issue-5 migrations land independently (0002 refunds, 0003 platform tokens): a database that
    // already ran a later one must still accept an earlier one that arrived after it.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its migration table by listing every table of every schema; a schema dropped
  // meanwhile by someone else (tests, other tenants) fails that listing. Nothing ran yet: try again.
  for (
    let attempt = 1;
    attempt <= 3 && error && otherSchemaVanished(error, migrationTableSchema);
    attempt++
  ) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function otherSchemaVanished(error: unknown, own: string | undefined): boolean {
  const vanished = /schema "([^"]+)" does not exist/.exec(error instanceof Error ? error.message : '');
  return vanished !== null && vanished[1] !== own;
}
