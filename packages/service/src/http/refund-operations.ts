import type { ApiVersion, Refund, RefundFilter } from '../domain/index.js';
import type { NotificationHandling, NotificationVerdict } from './notification-verdict.js';

export interface RequestRefundCommand {
  orderNo: string;
  amountFen: number;
  reason?: string;
  refundNo?: string;
}

/**
 * What the refund routes need from the application, bound to the refund use cases by the
 * composition root (kept apart from `ServiceOperations` so each part of the service grows alone).
 */
export interface RefundOperations {
  /** `created: false` when the refund number was known (a retried request). */
  requestRefund(command: RequestRefundCommand): Promise<{ refund: Refund; created: boolean }>;
  listRefunds(filter: RefundFilter): Promise<Refund[]>;
  /** Throws `ORDER_NOT_FOUND`. */
  refundsOfOrder(orderNo: string): Promise<Refund[]>;
  handleRefundNotification(
    apiVersion: ApiVersion,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
    handling?: NotificationHandling,
  ): Promise<NotificationVerdict>;
}
