import type { Order, OrderFilter } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

/**
 * Filters (state, pay type, API version, creation dates), a search (order number prefix, WeChat
 * transaction id, openid) and a page: `limit` defaults to 50, clamped to 1–200 (the route's schema
 * rejects anything else first); `afterOrderNo` is the last order of the previous page.
 */
export type ListOrdersInput = OrderFilter;

export type ListOrdersOutput = Order[];

/** The admin's order list, newest first. */
export class ListOrders {
  readonly #deps: Pick<PaymentDeps, 'orders'>;

  constructor(deps: Pick<PaymentDeps, 'orders'>) {
    this.#deps = deps;
  }

  async execute(input: ListOrdersInput = {}): Promise<ListOrdersOutput> {
    const limit = Math.min(200, Math.max(1, Math.trunc(input.limit ?? 50)));
    const search = input.search?.trim() || undefined;
    return this.#deps.orders.list({ ...input, search, limit });
  }
}
