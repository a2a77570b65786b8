import type { Order } from '../domain/index.js';
import { orderNoOfJobKey, type PaymentDeps } from './use-case-deps.js';

export interface FulfilOrderInput {
  /** The order number (the `fulfil` job's key). */
  orderNo: string;
}

export type FulfilOrderOutcome =
  /** The hook ran and the delivery is recorded. */
  | 'DELIVERED'
  /** Nothing to do: no such order, never paid, or already delivered. */
  | 'SETTLED'
  /** Refunded in full before it was delivered: the hook is not called. */
  | 'REFUNDED_UNDELIVERED';

export type FulfilOrderDeps = Pick<PaymentDeps, 'orders' | 'clock' | 'fulfil' | 'logger'>;

/**
 * The `fulfil` job: delivers a paid order through the merchant's {@link FulfilmentHook} and records
 * the delivery (`fulfilled_at`, and the job completed, in one transaction). The job is written by the
 * transaction that made the order PAID, so it exists whatever happened after that commit; the
 * process that took the payment usually delivers at once ({@link MarkPaid}) and the job then finds
 * nothing to do. A throwing hook throws here, and the job runner retries it with back-off.
 */
export class FulfilOrder {
  readonly #deps: FulfilOrderDeps;

  constructor(deps: FulfilOrderDeps) {
    this.#deps = deps;
  }

  async execute(input: FulfilOrderInput): Promise<FulfilOrderOutcome> {
    const order = await this.#deps.orders.findByOrderNo(orderNoOfJobKey(input.orderNo));
    if (!order || order.paidAt === null || order.fulfilledAt !== null) return 'SETTLED';
    if (order.state === 'REFUNDED') {
      this.#deps.logger?.warn(
        { orderNo: order.orderNo },
        'order refunded in full before it was delivered; not delivering',
      );
      return 'REFUNDED_UNDELIVERED';
    }
    await this.deliver(order);
    return 'DELIVERED';
  }

  /** Runs the hook for a paid order and records the delivery; rejects if the hook failed. */
  async deliver(order: Order): Promise<void> {
    await this.#deps.fulfil?.(order);
    await this.#deps.orders.markFulfilled(order.orderNo, this.#deps.clock.now());
  }
}
