import { DomainError, type Order, type OrderHistoryEntry } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface GetOrderInput {
  orderNo: string;
  /** The admin page shows every transition; the buyer's polling does not need them. */
  includeHistory?: boolean;
}

export interface GetOrderOutput {
  order: Order;
  history?: OrderHistoryEntry[];
}

/** One order as stored here (the polling fallback of the checkout page; never asks WeChat). */
export class GetOrder {
  readonly #deps: Pick<PaymentDeps, 'orders'>;

  constructor(deps: Pick<PaymentDeps, 'orders'>) {
    this.#deps = deps;
  }

  async execute(input: GetOrderInput): Promise<GetOrderOutput> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    if (!input.includeHistory) return { order };
    return { order, history: await this.#deps.orders.history(order.orderNo) };
  }
}
