import type { Product } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface ListProductsInput {
  /** The admin sees withdrawn products too; buyers do not. */
  includeInactive?: boolean;
}

export type ListProductsOutput = Product[];

/** The catalogue. */
export class ListProducts {
  readonly #deps: Pick<PaymentDeps, 'products'>;

  constructor(deps: Pick<PaymentDeps, 'products'>) {
    this.#deps = deps;
  }

  async execute(input: ListProductsInput = {}): Promise<ListProductsOutput> {
    const products = await this.#deps.products.list();
    return input.includeInactive ? products : products.filter((p) => p.active);
  }
}
