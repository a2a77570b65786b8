import type { Order, OrderState } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface ListOrdersInput {
  state?: OrderState;
  /** Default 50; clamped to 1–200 (the route's schema rejects anything else first). */
  limit?: number;
  /** Orders created before this instant (the next page, newest first). */
  before?: Date;
}

export type ListOrdersOutput = Order[];

/** The admin's order list, newest first, optionally one state only. */
export class ListOrders {
  readonly #deps: Pick<PaymentDeps, 'orders'>;

  constructor(deps: Pick<PaymentDeps, 'orders'>) {
    this.#deps = deps;
  }

  async execute(input: ListOrdersInput = {}): Promise<ListOrdersOutput> {
    const limit = Math.min(200, Math.max(1, Math.trunc(input.limit ?? 50)));
    return this.#deps.orders.list({ state: input.state, limit, before: input.before });
  }
}
