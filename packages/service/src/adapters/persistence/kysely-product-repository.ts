import type { Kysely, Selectable } from 'kysely';
import type { Product } from '../../domain/order.js';
import type { ProductRepository } from '../../domain/ports.js';
import { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, ProductsTable } from './database-schema.js';
import { readRows } from './direct-sqlite.js';
import { rowMapper } from './row-mapper.js';

/** The catalogue. `list` shows what can be bought; `find` also returns inactive products so the use case can say why. */
export class KyselyProductRepository implements ProductRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #queries = new CompiledQueryCache();

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async list(): Promise<Product[]> {
    const rows = await this.#db
      .selectFrom('products')
      .selectAll()
      .where('active', '=', 1)
      .orderBy('price_fen')
      .orderBy('id')
      .execute();
    return rows.map(rowMapper.toProduct);
  }

  async find(id: string): Promise<Product | undefined> {
    const find = this.#queries.query('find', [id], () =>
      this.#db.selectFrom('products').selectAll().where('id', '=', id),
    );
    const [row] = await readRows<Selectable<ProductsTable>>(this.#db, find);
    return row && rowMapper.toProduct(row);
  }
}
