import type { Kysely, Selectable } from 'kysely';
import { CUSTOM_AMOUNT_PRODUCT_ID } from '../../domain/merchant-order.js';
import type { Product } from '../../domain/order.js';
import type { ProductRepository } from '../../domain/ports.js';
import { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, ProductsTable } from './database-schema.js';
import { readRows } from './direct-sqlite.js';
import { rowMapper } from './row-mapper.js';

/** Which domain fields each column holds, so an update writes only what changed. */
const PRODUCT_COLUMNS: Record<string, readonly string[]> = {
  name: ['name'],
  description: ['description'],
  price_fen: ['priceFen'],
  stock: ['stock'],
  active: ['active'],
};

/** The catalogue. `list` shows what can be bought; `find` also returns inactive products so the use case can say why. */
export class KyselyProductRepository implements ProductRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #queries = new CompiledQueryCache();

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async list(options: { all?: boolean } = {}): Promise<Product[]> {
    // The row orders with their own amount refer to is no product anyone sells or edits.
    let query = this.#db.selectFrom('products').selectAll().where('id', '!=', CUSTOM_AMOUNT_PRODUCT_ID);
    if (!options.all) query = query.where('active', '=', 1);
    const rows = await query.orderBy('price_fen').orderBy('id').execute();
    return rows.map(rowMapper.toProduct);
  }

  async create(product: Product): Promise<boolean> {
    const result = await this.#db
      .insertInto('products')
      .values(rowMapper.fromProduct(product))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async update(id: string, changes: Partial<Omit<Product, 'id'>>): Promise<Product | undefined> {
    const { id: _same, ...columns } = rowMapper.fromProduct({
      id,
      name: '',
      description: '',
      priceFen: 0,
      stock: null,
      active: true,
      ...changes,
    });
    const set = Object.fromEntries(
      Object.entries(columns).filter(([column]) =>
        PRODUCT_COLUMNS[column]?.some((field) => field in changes),
      ),
    );
    if (Object.keys(set).length > 0) {
      await this.#db.updateTable('products').set(set).where('id', '=', id).execute();
    }
    return this.find(id);
  }

  async find(id: string): Promise<Product | undefined> {
    const find = this.#queries.query('find', [id], () =>
      this.#db.selectFrom('products').selectAll().where('id', '=', id),
    );
    const [row] = await readRows<Selectable<ProductsTable>>(this.#db, find);
    return row && rowMapper.toProduct(row);
  }
}
