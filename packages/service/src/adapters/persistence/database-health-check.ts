import { sql } from 'kysely';
import type { HealthCheck } from '../../domain/index.js';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/migration-provider.js';

/** Kysely's migration table, in the service's schema (PostgreSQL) or the SQLite file. */
const MIGRATION_TABLE = 'kysely_migration';

/** Readiness: the database answers, and it has every migration this build knows. */
export class DatabaseHealthCheck implements HealthCheck {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** `true` when the database answers; throws its error otherwise. */
  async ping(): Promise<boolean> {
    await sql`select 1`.execute(this.#database.db);
    return true;
  }

  /**
   * `true` when each known migration has its row. Read every time rather than remembered from
   * start-up: a database restored from an older backup under a running instance shows up here.
   */
  async migrationsApplied(): Promise<boolean> {
    const known = Object.keys(await migrationProvider.getMigrations());
    const { rows } = await sql<{ applied: number | string }>`select count(*) as applied from ${sql.table(
      MIGRATION_TABLE,
    )} where name in (${sql.join(known)})`.execute(this.#database.db);
    return Number(rows[0]?.applied ?? 0) === known.length;
  }
}
