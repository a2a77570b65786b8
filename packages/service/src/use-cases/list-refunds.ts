import { DomainError, type Refund, type RefundFilter } from '../domain/index.js';
import type { RefundDeps } from './refund-deps.js';

export type ListRefundsDeps = Pick<RefundDeps, 'refunds' | 'orders'>;

/** The refunds the back office looks at: the latest ones (by state), or every refund of one order. */
export class ListRefunds {
  readonly #deps: ListRefundsDeps;

  constructor(deps: ListRefundsDeps) {
    this.#deps = deps;
  }

  async execute(filter: RefundFilter): Promise<Refund[]> {
    return this.#deps.refunds.list(filter);
  }

  /** Throws `ORDER_NOT_FOUND` for an unknown order (an order without refunds gives `[]`). */
  async ofOrder(input: { orderNo: string }): Promise<Refund[]> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    return this.#deps.refunds.forOrder(input.orderNo);
  }
}
