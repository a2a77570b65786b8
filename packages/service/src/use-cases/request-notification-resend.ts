import {
  type AuditContext,
  DomainError,
  type NotificationResender,
  type ResendReport,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface RequestNotificationResendDeps extends Pick<PaymentDeps, 'orders' | 'clock' | 'audit'> {
  /** Absent against real WeChat Pay, which has no resend API. */
  resender?: NotificationResender;
}

/**
 * The admin's "ask WeChat to send the payment notification again". Only a simulator can be asked;
 * against WeChat the answer explains why not and points to the query, which finds the same truth.
 */
export class RequestNotificationResend {
  readonly #deps: RequestNotificationResendDeps;

  constructor(deps: RequestNotificationResendDeps) {
    this.#deps = deps;
  }

  async execute(input: { orderNo: string }, by?: AuditContext): Promise<ResendReport> {
    const { orders, resender, audit, clock } = this.#deps;
    if (!resender) {
      throw new DomainError(
        'NOT_AVAILABLE',
        'WeChat Pay has no API to request a notification again: it resends on its own schedule ' +
          '(up to 15 times over 24 h) until acknowledged. Use "query WeChat now" to learn the payment state.',
      );
    }
    const order = await orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    const report = await resender.resendLatestPayment(order.orderNo);
    if (!report) {
      throw new DomainError(
        'NOTHING_TO_RESEND',
        `no payment notification was ever sent for ${order.orderNo}`,
      );
    }
    await recordAudit(
      audit,
      by,
      {
        action: 'notification.resend',
        target: `order ${order.orderNo}`,
        detail: `notification ${report.notificationId}: ${report.status}${report.acked ? ', acknowledged' : ''}`,
      },
      clock.now(),
    );
    return report;
  }
}
