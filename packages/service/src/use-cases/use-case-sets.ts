import type { AdminSessions } from './admin-sessions.js';
import type { CheckHealth } from './check-health.js';
import type { CheckReadiness } from './check-readiness.js';
import type { CloseExpiredOrder } from './close-expired-order.js';
import type { ExportOrders } from './export-orders.js';
import type { GetOrder } from './get-order.js';
import type { GetOrderDetail } from './get-order-detail.js';
import type { GetOrderStats } from './get-order-stats.js';
import type { GetProductQr } from './get-product-qr.js';
import type { HandlePaymentNotification } from './handle-payment-notification.js';
import type { HandleProductCallback } from './handle-product-callback.js';
import type { HandleRefundNotification } from './handle-refund-notification.js';
import type { ListOrders } from './list-orders.js';
import type { ListProducts } from './list-products.js';
import type { ListRefunds } from './list-refunds.js';
import type { ListWebhookDeliveries } from './list-webhook-deliveries.js';
import type { ManageAdminUsers } from './manage-admin-users.js';
import type { ManageProducts } from './manage-products.js';
import type { ManageWebhookEndpoints } from './manage-webhook-endpoints.js';
import type { PlaceMerchantOrder } from './place-merchant-order.js';
import type { PlaceOrder } from './place-order.js';
import type { ReadAuditLog } from './read-audit-log.js';
import type { ReconcileDay } from './reconcile-day.js';
import type { ReconcileOrder } from './reconcile-order.js';
import type { RequestNotificationResend } from './request-notification-resend.js';
import type { RequestRefund } from './request-refund.js';
import type { ResendWebhook } from './resend-webhook.js';
import type { SignInWithWechat } from './sign-in-with-wechat.js';
import type { SignJssdkConfig } from './sign-jssdk-config.js';
import type { TakeInStorePayment } from './take-in-store-payment.js';
import type { ViewReconciliations } from './view-reconciliations.js';

/*
 * The use cases of each feature as its composition module builds them. A route declares the ones it
 * calls with `Pick<…>`, so it can be handed nothing else and a test can hand it just those.
 */

export interface PaymentUseCases {
  listProducts: ListProducts;
  placeOrder: PlaceOrder;
  /** Orders from the merchant's own systems (merchant API keys, idempotency keys). */
  placeMerchantOrder: PlaceMerchantOrder;
  getOrder: GetOrder;
  listOrders: ListOrders;
  exportOrders: ExportOrders;
  handlePaymentNotification: HandlePaymentNotification;
  checkHealth: CheckHealth;
  /** `/health/ready`: database, migrations, not shutting down. */
  checkReadiness: CheckReadiness;
  /** The till: a customer's payment code (付款码), collected by the `micropay` job. */
  takeInStorePayment: TakeInStorePayment;
}

export interface RefundUseCases {
  requestRefund: RequestRefund;
  listRefunds: ListRefunds;
  handleRefundNotification: HandleRefundNotification;
}

export interface NativeMode1UseCases {
  getProductQr: GetProductQr;
  handleProductCallback: HandleProductCallback;
}

export interface AdminUseCases {
  getOrderDetail: GetOrderDetail;
  getOrderStats: GetOrderStats;
  /** "Query WeChat now" (`queryNow`). */
  reconcileOrder: ReconcileOrder;
  /** "Close this unpaid order" (`closeNow`): WeChat asked first. */
  closeOrder: CloseExpiredOrder;
  manageProducts: ManageProducts;
  requestNotificationResend: RequestNotificationResend;
}

/** Who may enter the back office: sessions of admin users, the users themselves, the audit log. */
export interface AdminAccessUseCases {
  adminSessions: AdminSessions;
  manageAdminUsers: ManageAdminUsers;
  readAuditLog: ReadAuditLog;
}

/** The admin's webhook tab. */
export interface WebhookUseCases {
  listWebhookDeliveries: ListWebhookDeliveries;
  resendWebhook: ResendWebhook;
  /** Endpoints added from the admin: create, change, rotate the secret, disable. */
  manageWebhookEndpoints: ManageWebhookEndpoints;
}

/** The admin's reconciliation tab: the calendar, a day's report, a re-run. */
export interface ReconciliationUseCases {
  reconcileDay: ReconcileDay;
  viewReconciliations: ViewReconciliations;
}

export interface PlatformUseCases {
  signInWithWechat: SignInWithWechat;
  signJssdkConfig: SignJssdkConfig;
}
