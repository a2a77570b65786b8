import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PRODUCTS,
  KyselyProductRepository,
  openDatabase,
  seedDemoProducts,
} from '../../src/adapters/persistence/index.js';
import { migrationProvider } from '../../src/adapters/persistence/migrations/migration-provider.js';
import { forEachEngine } from './test-databases.js';

forEachEngine('database', (database, engine) => {
  it('reports its dialect', () => {
    expect(database.dialect).toBe(engine.name);
  });

  it('runs migrations once: opening the same data again changes nothing and keeps rows', async () => {
    await seedDemoProducts(database.db);
    const again = await database.openAgain();
    const migrations = await again.db
      .selectFrom(sql.table('kysely_migration').as('m'))
      .select(sql<string>`name`.as('name'))
      .execute();
    const known = Object.keys(await migrationProvider.getMigrations()).sort();
    expect(known[0]).toBe('0001-initial-schema');
    expect(migrations.map((m) => m.name)).toEqual(known);
    const products = await again.db.selectFrom('products').select('id').execute();
    expect(products).toHaveLength(DEMO_PRODUCTS.length);
  });

  it('seeds the demo products idempotently, without overwriting an edited product', async () => {
    await seedDemoProducts(database.db);
    await database.db
      .updateTable('products')
      .set({ price_fen: 1234 })
      .where('id', '=', 'demo-coffee')
      .execute();
    await seedDemoProducts(database.db);
    const repository = new KyselyProductRepository(database.db);
    const products = await repository.list();
    expect(products).toHaveLength(DEMO_PRODUCTS.length);
    expect(products.find((p) => p.id === 'demo-coffee')?.priceFen).toBe(1234);
    expect(products.some((p) => p.priceFen === 1)).toBe(true);
    expect(products.every((p) => Number.isSafeInteger(p.priceFen))).toBe(true);
  });

  it('lists only active products but finds inactive ones, and answers undefined for unknown ids', async () => {
    await seedDemoProducts(database.db);
    await database.db.updateTable('products').set({ active: 0 }).where('id', '=', 'demo-tea').execute();
    const repository = new KyselyProductRepository(database.db);
    expect((await repository.list()).map((p) => p.id)).not.toContain('demo-tea');
    expect(await repository.find('demo-tea')).toMatchObject({ id: 'demo-tea', active: false, stock: 100 });
    expect(await repository.find('demo-keyboard')).toMatchObject({ name: '机械键盘', priceFen: 12800 });
    expect(await repository.find('no-such-product')).toBeUndefined();
  });

  it('enforces foreign keys (an order for a missing product is refused)', async () => {
    await expect(
      database.db
        .insertInto('orders')
        .values({
          order_no: 'FK1',
          product_id: 'missing',
          quantity: 1,
          description: 'x',
          amount_fen: 1,
          state: 'NOTPAY',
          pay_type: 'NATIVE',
          api_version: 'v3',
          client_ip: '127.0.0.1',
          created_at: 0,
          expires_at: 0,
          refunded_fen: 0,
          updated_at: 0,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it.runIf(engine.name === 'sqlite')('opens SQLite in WAL mode with foreign keys on', async () => {
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
  });
});

describe('openDatabase without options', () => {
  it('opens a migrated in-memory SQLite database', async () => {
    const database = await openDatabase();
    try {
      expect(database.dialect).toBe('sqlite');
      await seedDemoProducts(database.db);
      expect(await new KyselyProductRepository(database.db).list()).toHaveLength(DEMO_PRODUCTS.length);
    } finally {
      await database.close();
    }
  });

  it('refuses a PostgreSQL schema name that would need quoting', async () => {
    await expect(
      openDatabase({ url: 'postgres://127.0.0.1:1/none', schema: 'x; drop table orders' }),
    ).rejects.toThrow(/invalid schema name/);
  });
});
