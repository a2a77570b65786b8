import type { BucketTotals, ResendReport } from '../domain/index.js';
import type { GetOrderDetailOutput, GetOrderStatsInput, QueryNowOutput } from '../use-cases/index.js';

/**
 * What the admin console's routes need beyond {@link ServiceOperations}: one method per admin use
 * case, bound in the composition root. The order list stays `ServiceOperations.listOrders`.
 */
export interface AdminOperations {
  /** The order, every transition and every notification received for it. Throws `ORDER_NOT_FOUND`. */
  orderDetail(orderNo: string): Promise<GetOrderDetailOutput>;
  /** "Query WeChat now": WeChat's answer, and the order PAID when it was paid there. */
  queryWechatNow(orderNo: string): Promise<QueryNowOutput>;
  /** Throws `NOT_AVAILABLE` against real WeChat Pay (no such API), `NOTHING_TO_RESEND`. */
  requestNotificationResend(orderNo: string): Promise<ResendReport>;
  stats(input: GetOrderStatsInput): Promise<BucketTotals[]>;
}
