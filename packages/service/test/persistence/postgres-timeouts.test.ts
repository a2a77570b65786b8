import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/adapters/persistence/index.js';
import { migrationProvider } from '../../src/adapters/persistence/migrations/migration-provider.js';
import { MIGRATION_LOCK_KEY } from '../../src/adapters/persistence/migrations/schema-migrator.js';
import { postgresSkipReason } from '../http/demo-harness.js';
import { PG_URL } from './test-databases.js';

const pgSkip = await postgresSkipReason();

describe.skipIf(pgSkip !== undefined)('PostgreSQL statement timeout and the migration pool', () => {
  const schemas: string[] = [];
  const opened: Database[] = [];
  const fresh = () => {
    const schema = `timeouts_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
  const open = async (options: Parameters<typeof openDatabase>[0]) => {
    const database = await openDatabase(options);
    opened.push(database);
    return database;
  };

  afterAll(async () => {
    for (const database of opened) await database.close();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('cancels a statement of the pool that runs past DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const { db } = await open({ url: PG_URL, schema: fresh(), statementTimeoutMs: 250 });
    const shown = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
    expect(shown.rows[0]?.statement_timeout).toBe('250ms');
    await expect(sql`select pg_sleep(2)`.execute(db)).rejects.toThrow(/statement timeout/);
    // The connection is fine afterwards: only the statement was cancelled.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one).toBe(1);
  });

  it('leaves the server’s setting when no timeout is configured', async () => {
    const { db } = await open({ url: PG_URL, schema: fresh() });
    const shown = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
    const server = new pg.Client({ connectionString: PG_URL });
    await server.connect();
    const expected = (await server.query('show statement_timeout')).rows[0].statement_timeout;
    await server.end();
    expect(shown.rows[0]?.statement_timeout).toBe(expected);
  });

  it('waits for another instance’s migration longer than the statement timeout', async () => {
    const schema = fresh();
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    await other.query('select pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
    const opening = open({ url: PG_URL, schema, statementTimeoutMs: 200 });
    let settled = false;
    void opening.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((wait) => setTimeout(wait, 1_000));
    expect(settled).toBe(false);
    await other.query('select pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
    await other.end();
    const { db } = await opening;
    const applied = await db
      .selectFrom(sql.table('kysely_migration').as('m'))
      .select(sql<string>`name`.as('name'))
      .execute();
    const known = Object.keys(await migrationProvider.getMigrations());
    expect(applied.map((m) => m.name).sort()).toEqual(known.sort());
  });

  it('starts with a pool of one connection (migrating needs two of its own)', async () => {
    const database = await Promise.race([
      open({ url: PG_URL, schema: fresh(), maxConnections: 1 }),
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error('start-up hung')), 10_000)),
    ]);
    expect((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]?.one).toBe(1);
  });
});
