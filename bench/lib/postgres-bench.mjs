/**
 * What a bench suite needs to use PostgreSQL without leaving anything behind: the server it
 * targets (`TEST_DATABASE_URL`, as the tests), why it would skip when the server cannot be
 * reached, and a throw-away schema dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { commandCpuUs } from './process-cpu.mjs';

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

/** What a suite answers when PostgreSQL cannot be reached: its title, the reason, nothing measured. */
export function skippedSuite(id, title, reason) {
  console.log(`  ${title.split('.')[0]}: PostgreSQL suite skipped: ${reason}`);
  return { id, title, notes: [`skipped: ${reason}`], header: ['measure'], rows: [], headlines: [] };
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

/**
 * WAL written by the whole server from `start()` to `stop()` (a promise of bytes): every commit
 * waits until its WAL is flushed, so bytes per operation is what a notification makes the disk do.
 * Counts other sessions' writes too; on a quiet server those are the bench's own.
 */
export function walMeter() {
  const lsn = async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      return (await client.query('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn;
    } finally {
      await client.end();
    }
  };
  const started = lsn();
  return {
    stop() {
      const ended = lsn();
      return Promise.all([started, ended]).then(async ([a, b]) => {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          const { rows } = await client.query('select pg_wal_lsn_diff($1, $2)::float8 as bytes', [b, a]);
          return rows[0].bytes;
        } finally {
          await client.end();
        }
      });
    },
  };
}

/**
 * CPU of every `postgres` process on this machine (backends, WAL writer, checkpointer), in µs, from
 * `start()` to `stop()`, read from `/proc/<pid>/stat` (Linux, server on this machine; `undefined`
 * otherwise). Backends that exit meanwhile take their share with them, so it is a lower bound; the
 * service's pool keeps its connections open through a phase.
 */
export function postgresCpuMeter() {
  const started = commandCpuUs('postgres');
  return { stop: () => (started === undefined ? undefined : commandCpuUs('postgres') - started) };
}
