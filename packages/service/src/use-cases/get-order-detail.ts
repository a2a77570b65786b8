import {
  DomainError,
  type Order,
  type OrderHistoryEntry,
  type ReceivedNotification,
} from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface GetOrderDetailOutput {
  order: Order;
  /** Every transition, oldest first. */
  history: OrderHistoryEntry[];
  /** Every notification received for it, verified or not, with the raw body, oldest first. */
  notifications: ReceivedNotification[];
}

/**
 * Everything the service knows about one order, for the admin looking into a dispute: what happened
 * to it and every callback that claimed to be about it, exactly as received.
 */
export class GetOrderDetail {
  readonly #deps: Pick<PaymentDeps, 'orders' | 'notifications'>;

  constructor(deps: Pick<PaymentDeps, 'orders' | 'notifications'>) {
    this.#deps = deps;
  }

  async execute(input: { orderNo: string }): Promise<GetOrderDetailOutput> {
    const { orders, notifications } = this.#deps;
    const order = await orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    const [history, received] = await Promise.all([
      orders.history(order.orderNo),
      notifications.forOrder(order.orderNo),
    ]);
    return { order, history, notifications: received };
  }
}
