import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { openDatabase } from '../../src/adapters/persistence/index.js';
import { migrationProvider } from '../../src/adapters/persistence/migrations/migration-provider.js';
import { MIGRATION_LOCK_KEY } from '../../src/adapters/persistence/migrations/schema-migrator.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { json, PG_URL, postgresSkipReason } from './demo-harness.js';

const pgSkip = await postgresSkipReason();
const KNOWN = Object.keys(await migrationProvider.getMigrations()).sort();
const FROM_THE_FUTURE = '9999-from-a-newer-version';

let simulator: RunningSimulator;
const dataDirs: string[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await simulator?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  if (schemas.length === 0 || pgSkip) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

function freshSchema(): string {
  const schema = `migrate_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-ops-migrate-'));
  dataDirs.push(dir);
  return dir;
}

/** A service as an operator starts it: its own data dir, one database (SQLite there, or `schema`). */
function createInstance(database: { schema?: string; dataDir: string }) {
  const config = validateServiceConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir: database.dataDir,
    databaseUrl: database.schema ? PG_URL : undefined,
    publicUrl: 'http://127.0.0.1:1',
    adminToken: randomBytes(24).toString('hex'),
    orderTtlMinutes: 15,
    logger: false,
    wechat: simulatorCredentials(simulator.merchant),
  });
  return createServiceApp(config, { databaseSchema: database.schema });
}

async function startInstance(database: { schema?: string; dataDir: string }): Promise<ServiceApp> {
  const service = await createInstance(database);
  await service.start();
  return service;
}

describe.skipIf(pgSkip !== undefined)('migrations on PostgreSQL take turns', () => {
  it('two instances started together on a new schema both come up, each migration applied once', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([
      startInstance({ schema, dataDir: freshDataDir() }),
      startInstance({ schema, dataDir: freshDataDir() }),
    ]);
    try {
      for (const service of [a, b]) {
        expect((await json(`${service.url}/health/ready`)).status).toBe(200);
      }
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      const { rows } = await client
        .query<{ name: string; times: string }>(
          `select name, count(*) as times from ${schema}.kysely_migration group by name order by name`,
        )
        .finally(() => client.end());
      expect(rows.map((row) => row.name)).toEqual(KNOWN);
      expect(rows.every((row) => Number(row.times) === 1)).toBe(true);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('an instance waits while another holds the schema’s migration lock, then finds the work done', async () => {
    const schema = freshSchema();
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
      let opened = false;
      const opening = openDatabase({ url: PG_URL, schema }).then((database) => {
        opened = true;
        return database;
      });
      await new Promise((wait) => setTimeout(wait, 500));
      expect(opened).toBe(false);
      const { rows } = await holder.query<{ found: string | null }>(
        'select to_regnamespace($1)::text as found',
        [schema],
      );
      expect(rows[0]?.found).toBeNull(); // not even the schema was created while the lock was held
      await holder.query('select pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
      const database = await opening;
      await database.close();
      // Another schema's lock is another key: it does not hold this one up.
      const other = freshSchema();
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
      await (await openDatabase({ url: PG_URL, schema: other })).close();
    } finally {
      await holder.end();
    }
  });
});

describe('an instance refuses a database newer than its migrations', () => {
  const refusal = new RegExp(
    `is newer than this service: it is at migration ${FROM_THE_FUTURE}, this service knows migrations up to ${KNOWN.at(-1)}`,
  );

  it('on SQLite', async () => {
    const dataDir = freshDataDir();
    const first = await openDatabase({ dataDir });
    await first.db
      .insertInto('kysely_migration' as never)
      .values({ name: FROM_THE_FUTURE, timestamp: new Date().toISOString() } as never)
      .execute();
    await first.close();
    await expect(createInstance({ dataDir })).rejects.toThrow(refusal);
  });

  it.skipIf(pgSkip !== undefined)('on PostgreSQL, and nothing of the schema changes', async () => {
    const schema = freshSchema();
    await (await openDatabase({ url: PG_URL, schema })).close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`insert into ${schema}.kysely_migration (name, timestamp) values ($1, $2)`, [
        FROM_THE_FUTURE,
        new Date().toISOString(),
      ]);
      await client.query(`delete from ${schema}.kysely_migration where name = $1`, [KNOWN.at(-1)]);
      await expect(createInstance({ schema, dataDir: freshDataDir() })).rejects.toThrow(
        new RegExp(`schema "${schema}" ${refusal.source}`),
      );
      // The missing known migration was not run against the newer schema.
      const { rows } = await client.query(`select name from ${schema}.kysely_migration where name = $1`, [
        KNOWN.at(-1),
      ]);
      expect(rows).toHaveLength(0);
    } finally {
      await client.end();
    }
  });
});
