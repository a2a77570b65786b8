import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

/**
 * An auto-incrementing primary key on either engine: `bigserial` on PostgreSQL, SQLite's
 * `integer primary key autoincrement` (ids never reused, so paging by id stays stable).
 */
export function serialId(db: Kysely<unknown>): {
  type: 'bigserial' | 'integer';
  build: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
} {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    type: postgres ? 'bigserial' : 'integer',
    build: (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()),
  };
}
