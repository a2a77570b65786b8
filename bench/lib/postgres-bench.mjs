/**
 * What a bench suite needs to use PostgreSQL without leaving anything behind: the server it
 * targets (`TEST_DATABASE_URL`, as the tests), why it would skip when the server cannot be
 * reached, and a throw-away schema dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `undefined` when PostgreSQL answers, else why the suite skips it. */
export async function postgresSkip() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `unreachable at ${PG_URL}: ${error.message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh schema name (the service creates it); `drop()` removes it with everything in it. */
export function throwAwaySchema() {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  return {
    name,
    async drop() {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`).finally(() => admin.end());
    },
  };
}
