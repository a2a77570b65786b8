import type { RefundRepository } from '../../domain/index.js';
import type { ServiceMetrics } from '../../http/service-metrics.js';

/** Counts refunds per state as they really change: a lost race or a replayed notification is not counted. */
export function meteredRefundRepository(inner: RefundRepository, metrics: ServiceMetrics): RefundRepository {
  return {
    async reserve(refund, jobs) {
      const result = await inner.reserve(refund, jobs);
      if (result.kind === 'created') metrics.refunds.inc({ state: result.refund.state });
      return result;
    },
    async transition(request) {
      const result = await inner.transition(request);
      if (result) metrics.refunds.inc({ state: result.refund.state });
      return result;
    },
    find: (refundNo) => inner.find(refundNo),
    recordError: (refundNo, error) => inner.recordError(refundNo, error),
    forOrder: (orderNo) => inner.forOrder(orderNo),
    list: (filter) => inner.list(filter),
    history: (refundNo) => inner.history(refundNo),
  };
}
