import type { Order, OrderFilter } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export type ExportOrdersInput = Omit<OrderFilter, 'limit' | 'afterOrderNo' | 'before'>;

/** Rows read per query: the export streams, so memory stays at one page whatever the range. */
const PAGE = 500;

/**
 * Every order matching the admin's filters, newest first, read page by page (keyset on creation
 * time and order number, so orders created meanwhile neither repeat nor push others out).
 */
export class ExportOrders {
  readonly #deps: Pick<PaymentDeps, 'orders'>;

  constructor(deps: Pick<PaymentDeps, 'orders'>) {
    this.#deps = deps;
  }

  async *execute(input: ExportOrdersInput = {}): AsyncGenerator<Order> {
    const search = input.search?.trim() || undefined;
    let afterOrderNo: string | undefined;
    for (;;) {
      const page = await this.#deps.orders.list({ ...input, search, limit: PAGE, afterOrderNo });
      yield* page;
      const last = page.at(-1);
      if (page.length < PAGE || !last) return;
      afterOrderNo = last.orderNo;
    }
  }
}
