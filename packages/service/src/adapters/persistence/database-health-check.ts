import { sql } from 'kysely';
import type { HealthCheck } from '../../domain/index.js';
import type { Database } from './database.js';

/** Readiness: the database answers a trivial query (the only SQL the health route needs). */
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
}
