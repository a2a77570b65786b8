import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { skipReasonFor } from '../../../../test-support/required-service.js';
import { type Database, type DatabaseSchema, openDatabase } from '../../src/adapters/persistence/index.js';
import type { NewOrder } from '../../src/domain/ports.js';

/**
 * The two engines every persistence suite runs against. SQLite uses a file in a temp dir (so WAL is
 * real); PostgreSQL gets a fresh schema per suite, dropped afterwards. PostgreSQL is skipped — with
 * the reason printed — only when the server cannot be reached, and never under CI=true (the run fails).
 */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEngine {
  name: 'sqlite' | 'postgres';
  skipReason: string | undefined;
  /** Opens a fresh, migrated database; `openAgain` gives a second connection pool to the same data. */
  open(): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  openAgain(): Promise<Database>;
  /** Closes every handle and removes the schema / temp directory. */
  destroy(): Promise<void>;
}

async function postgresSkipReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return skipReasonFor('PostgreSQL', `unreachable at ${PG_URL}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function openSqlite(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wxpay-service-db-'));
  const database = await openDatabase({ dataDir });
  const extra: Database[] = [];
  return {
    ...database,
    async openAgain() {
      const again = await openDatabase({ dataDir });
      extra.push(again);
      return again;
    },
    async destroy() {
      for (const d of extra) await d.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<TestDatabase> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase({ url: PG_URL, schema });
  const extra: Database[] = [];
  return {
    ...database,
    async openAgain() {
      const again = await openDatabase({ url: PG_URL, schema });
      extra.push(again);
      return again;
    },
    async destroy() {
      for (const d of extra) await d.close();
      await database.close();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Why PostgreSQL suites are skipped (the server cannot be reached), or `undefined` to run them. */
export const POSTGRES_SKIP_REASON = await postgresSkipReason();

export const ENGINES: TestEngine[] = [
  { name: 'sqlite', skipReason: undefined, open: openSqlite },
  { name: 'postgres', skipReason: POSTGRES_SKIP_REASON, open: openPostgres },
];

/**
 * Describes `suite` once per engine (`<title> on sqlite|postgres`) against a fresh migrated database,
 * opened once, emptied before each test and destroyed after. An unreachable PostgreSQL shows up as
 * one skipped test that names the reason. `database` is valid inside hooks and tests only.
 */
export function forEachEngine(
  title: string,
  suite: (database: TestDatabase, engine: TestEngine) => void,
): void {
  describe.each(ENGINES)(`${title} on $name`, (engine) => {
    if (engine.skipReason) {
      it.skip(`skipped: ${engine.skipReason}`, () => {});
      return;
    }
    let opened: TestDatabase | undefined;
    const current = (): TestDatabase => {
      if (!opened) throw new Error(`the ${engine.name} database is only open inside hooks and tests`);
      return opened;
    };
    beforeAll(async () => {
      opened = await engine.open();
    });
    afterAll(async () => {
      await opened?.destroy();
    });
    beforeEach(async () => {
      await emptyTables(current().db);
    });
    suite(
      {
        get db() {
          return current().db;
        },
        get dialect() {
          return current().dialect;
        },
        close: () => current().close(),
        openAgain: () => current().openAgain(),
        destroy: () => current().destroy(),
      },
      engine,
    );
  });
}

/** Empties every table (children first), so each test starts from nothing. */
export async function emptyTables(db: Kysely<DatabaseSchema>): Promise<void> {
  for (const table of [
    'reconciliation_discrepancies',
    'bill_entries',
    'reconciliations',
    'jobs',
    'notifications_received',
    'refund_history',
    'refunds',
    'order_history',
    'orders',
    'products',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
}

/** A clock the test moves by hand; nothing waits on real time. */
export function manualClock(start = Date.UTC(2026, 0, 15, 4, 0, 0)) {
  let now = start;
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export function newOrder(orderNo: string, createdAt: Date, overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    orderNo,
    productId: 'demo-coffee',
    quantity: 2,
    description: '拿铁咖啡 ×2',
    amountFen: 1980,
    payType: 'NATIVE',
    apiVersion: 'v3',
    openid: null,
    clientIp: '127.0.0.1',
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 15 * 60_000),
    ...overrides,
  };
}
