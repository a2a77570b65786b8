import { type Database, KyselyOrderStatistics } from '../adapters/persistence/index.js';
import type { NotificationResender } from '../domain/index.js';
import {
  type AdminUseCases,
  type CloseExpiredOrder,
  GetOrderDetail,
  GetOrderStats,
  ManageProducts,
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
  close: CloseExpiredOrder,
  resender: NotificationResender | undefined,
): AdminUseCases {
  return {
    getOrderDetail: new GetOrderDetail(payments),
    getOrderStats: new GetOrderStats({
      clock: payments.clock,
      statistics: new KyselyOrderStatistics(database.db),
    }),
    reconcileOrder: reconcile,
    closeOrder: close,
    manageProducts: new ManageProducts(payments),
    requestNotificationResend: new RequestNotificationResend({ ...payments, resender }),
  };
}
