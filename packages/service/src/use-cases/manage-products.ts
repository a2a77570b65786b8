import { DomainError, type Product } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export type ProductChanges = Partial<Omit<Product, 'id'>>;

/**
 * The merchant's catalogue from the back office: add a product, change its name, price or stock,
 * withdraw it (no longer sold; orders already placed keep their price) or offer it again. Products
 * are never deleted: orders refer to them.
 */
export class ManageProducts {
  readonly #deps: Pick<PaymentDeps, 'products' | 'logger'>;

  constructor(deps: Pick<PaymentDeps, 'products' | 'logger'>) {
    this.#deps = deps;
  }

  list(): Promise<Product[]> {
    return this.#deps.products.list({ all: true });
  }

  async create(product: Product): Promise<Product> {
    if (!(await this.#deps.products.create(product))) {
      throw new DomainError(
        'PRODUCT_EXISTS',
        `商品 ${product.id} 已存在 (product ${product.id} exists already)`,
      );
    }
    this.#deps.logger?.info({ productId: product.id, priceFen: product.priceFen }, 'product created');
    return (await this.#deps.products.find(product.id)) ?? product;
  }

  async update(id: string, changes: ProductChanges): Promise<Product> {
    const updated = await this.#deps.products.update(id, changes);
    if (!updated) throw new DomainError('PRODUCT_NOT_FOUND', `product ${id} not found`);
    this.#deps.logger?.info({ productId: id, changed: Object.keys(changes) }, 'product changed');
    return updated;
  }
}
