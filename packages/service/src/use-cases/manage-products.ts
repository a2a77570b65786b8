import { type AuditContext, DomainError, formatYuan, type Product } from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { PaymentDeps } from './use-case-deps.js';

export type ProductChanges = Partial<Omit<Product, 'id'>>;

/**
 * The merchant's catalogue from the back office: add a product, change its name, price or stock,
 * withdraw it (no longer sold; orders already placed keep their price) or offer it again. Products
 * are never deleted: orders refer to them.
 */
export class ManageProducts {
  readonly #deps: Pick<PaymentDeps, 'products' | 'logger' | 'audit' | 'clock'>;

  constructor(deps: Pick<PaymentDeps, 'products' | 'logger' | 'audit' | 'clock'>) {
    this.#deps = deps;
  }

  list(): Promise<Product[]> {
    return this.#deps.products.list({ all: true });
  }

  async create(product: Product, by?: AuditContext): Promise<Product> {
    if (!(await this.#deps.products.create(product))) {
      throw new DomainError(
        'PRODUCT_EXISTS',
        `商品 ${product.id} 已存在 (product ${product.id} exists already)`,
      );
    }
    this.#deps.logger?.info({ productId: product.id, priceFen: product.priceFen }, 'product created');
    await recordAudit(
      this.#deps.audit,
      by,
      { action: 'product.create', target: `product ${product.id}`, detail: describe(listed(product)) },
      this.#deps.clock.now(),
    );
    return (await this.#deps.products.find(product.id)) ?? product;
  }

  async update(id: string, changes: ProductChanges, by?: AuditContext): Promise<Product> {
    const updated = await this.#deps.products.update(id, changes);
    if (!updated) throw new DomainError('PRODUCT_NOT_FOUND', `product ${id} not found`);
    this.#deps.logger?.info({ productId: id, changed: Object.keys(changes) }, 'product changed');
    await recordAudit(
      this.#deps.audit,
      by,
      { action: 'product.update', target: `product ${id}`, detail: describe(changes) },
      this.#deps.clock.now(),
    );
    return updated;
  }
}

/** A new product as the audit log tells it: its description is not worth the space. */
function listed({ description: _text, ...product }: Product): ProductChanges {
  return product;
}

/** A product or its changes in a few words, for the audit log. */
function describe(fields: ProductChanges): string {
  const parts: string[] = [];
  if (fields.name !== undefined) parts.push(`name ${fields.name}`);
  if (fields.priceFen !== undefined) parts.push(`price ${formatYuan(fields.priceFen)}`);
  if (fields.stock !== undefined) parts.push(`stock ${fields.stock ?? 'unlimited'}`);
  if (fields.active !== undefined) parts.push(fields.active ? 'on sale' : 'withdrawn');
  if (fields.description !== undefined) parts.push('description changed');
  return parts.join('; ');
}
