import type { NewJob, NewOrder, Order, OrderRepository, TransitionRequest } from '../../domain/index.js';
import type { ServiceMetrics } from '../../http/service-metrics.js';

/**
 * Wraps the order repository to count what actually happened: an order counts as paid or closed
 * only when its conditional UPDATE won, so a duplicate notification or a lost race is not counted.
 */
export function meteredOrderRepository(inner: OrderRepository, metrics: ServiceMetrics): OrderRepository {
  return {
    async insertWithJobs(order: NewOrder, jobs: NewJob[]): Promise<Order> {
      const created = await inner.insertWithJobs(order, jobs);
      metrics.ordersCreated.inc({ api_version: created.apiVersion });
      return created;
    },
    async insertOnce(order, jobs, claim) {
      const created = await inner.insertOnce(order, jobs, claim);
      if (created) metrics.ordersCreated.inc({ api_version: created.apiVersion });
      return created;
    },
    findByIdempotencyKey: (scope, key, now) => inner.findByIdempotencyKey(scope, key, now),
    async transition(request: TransitionRequest): Promise<Order | undefined> {
      const updated = await inner.transition(request);
      if (updated?.state === 'PAID') metrics.ordersPaid.inc({ api_version: updated.apiVersion });
      if (updated?.state === 'CLOSED') metrics.ordersClosed.inc({ api_version: updated.apiVersion });
      return updated;
    },
    findByOrderNo: (orderNo) => inner.findByOrderNo(orderNo),
    recordPrepay: (orderNo, prepay) => inner.recordPrepay(orderNo, prepay),
    markFulfilled: (orderNo, at) => inner.markFulfilled(orderNo, at),
    findByMode1CallbackKey: (key) => inner.findByMode1CallbackKey(key),
    history: (orderNo) => inner.history(orderNo),
    list: (filter) => inner.list(filter),
  };
}
