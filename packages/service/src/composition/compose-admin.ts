import { type Database, KyselyOrderStatistics } from '../adapters/persistence/index.js';
import type { NotificationResender } from '../domain/index.js';
import type { AdminOperations } from '../http/admin-operations.js';
import {
  GetOrderDetail,
  GetOrderStats,
  type PaymentDeps,
  type ReconcileOrder,
  RequestNotificationResend,
} from '../use-cases/index.js';

/**
 * The admin console's use cases beyond the order list: order detail, statistics, "query WeChat
 * now" (the payments feature's reconciliation) and "request resend", which only a resender can
 * answer — WeChat Pay has no such API, so without one it answers `NOT_AVAILABLE`.
 */
export function composeAdmin(
  database: Database,
  payments: PaymentDeps,
  reconcile: ReconcileOrder,
  resender: NotificationResender | undefined,
): AdminOperations {
  const orderDetail = new GetOrderDetail(payments);
  const orderStats = new GetOrderStats({
    clock: payments.clock,
    statistics: new KyselyOrderStatistics(database.db),
  });
  const requestResend = new RequestNotificationResend({ orders: payments.orders, resender });
  return {
    orderDetail: (orderNo) => orderDetail.execute({ orderNo }),
    queryWechatNow: (orderNo) => reconcile.queryNow({ orderNo, source: 'admin' }),
    requestNotificationResend: (orderNo) => requestResend.execute({ orderNo }),
    stats: (input) => orderStats.execute(input),
  };
}
