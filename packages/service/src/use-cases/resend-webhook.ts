import {
  type AuditContext,
  type AuditLog,
  type Clock,
  DomainError,
  type WebhookDelivery,
  type WebhookDeliveryLog,
  type WebhookDeliveryStatus,
  type WebhookEndpoints,
  type WebhookSender,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';

export interface ResendWebhookDeps {
  sender: WebhookSender;
  webhooks?: WebhookEndpoints;
  webhookLog: WebhookDeliveryLog;
  clock: Clock;
  audit?: AuditLog;
}

/**
 * The admin's "send it again now": the same event (same id, so the receiver deduplicates it), to
 * the same endpoint, outside the retry schedule. A resend that is acknowledged marks the delivery
 * delivered; one that is not leaves its state as it was (a failed delivery stays failed).
 */
export class ResendWebhook {
  readonly #deps: ResendWebhookDeps;

  constructor(deps: ResendWebhookDeps) {
    this.#deps = deps;
  }

  async execute(input: { deliveryId: string }, by?: AuditContext): Promise<WebhookDelivery> {
    const { sender, webhooks, webhookLog, clock, audit } = this.#deps;
    const delivery = await webhookLog.find(input.deliveryId);
    if (!delivery)
      throw new DomainError('WEBHOOK_DELIVERY_NOT_FOUND', `no webhook delivery ${input.deliveryId}`);
    const endpoint = await webhooks?.find(delivery.endpointId);
    if (!endpoint) {
      throw new DomainError(
        'WEBHOOK_ENDPOINT_GONE',
        `endpoint ${delivery.endpointId} is disabled or no longer configured`,
      );
    }
    const attempt = await sender.send(endpoint, delivery.event);
    const status: WebhookDeliveryStatus = attempt.acked ? 'delivered' : delivery.status;
    await webhookLog.recordAttempt(delivery.id, attempt, { status, at: clock.now(), manual: true });
    const answer =
      attempt.httpStatus === undefined ? (attempt.error ?? 'no answer') : `HTTP ${attempt.httpStatus}`;
    await recordAudit(
      audit,
      by,
      {
        action: 'webhook.resend',
        target: `delivery ${delivery.id}`,
        detail: `${delivery.eventType} to ${endpoint.id}: ${attempt.acked ? 'acknowledged' : 'not acknowledged'} (${answer})`,
      },
      clock.now(),
    );
    return (await webhookLog.find(delivery.id)) ?? delivery;
  }
}
