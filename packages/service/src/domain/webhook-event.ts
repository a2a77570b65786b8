import type { NewJob } from './ports.js';

/** What the service tells the merchant's own systems about, as JSON webhooks. */
export const WEBHOOK_EVENT_TYPES = [
  'order.paid',
  'order.closed',
  'refund.succeeded',
  'refund.failed',
  'reconciliation.discrepancy',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The job a state change writes in its own transaction; it becomes the event and its deliveries. */
export const WEBHOOK_EVENT_JOB = 'webhook-event';
/** One endpoint's delivery of one event, retried with back-off until acknowledged or too old. */
export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';

/** Where events go: one endpoint of the merchant's, with its own secret and the events it wants. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** The HMAC key the receiver checks `X-Wechatpay-Kit-Signature` with; never logged or shown again. */
  secret: string;
  /**
   * Secrets replaced by a rotation that still sign beside `secret` (one `v1=` each) until their
   * overlap ends, so the receiver can switch to the new one without missing a delivery.
   */
  retiringSecrets?: readonly string[];
  /** The event types it receives; all when absent. */
  events?: readonly WebhookEventType[];
}

/** An event as delivered: `id` is stable across retries and resends, the receiver's dedupe key. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: Date;
  data: Record<string, unknown>;
}

/** The outcome of one POST to an endpoint; `acked` means a 2xx answer in time. */
export interface WebhookAttempt {
  acked: boolean;
  httpStatus?: number;
  error?: string;
  durationMs: number;
}

/** Sends one signed delivery (implemented over HTTP with the SDK's signer). */
export interface WebhookSender {
  send(endpoint: WebhookEndpoint, event: WebhookEvent): Promise<WebhookAttempt>;
}

/** The id of the event a change of `subject` (an order or refund number) makes: the same on every retry. */
export function webhookEventId(type: WebhookEventType, subject: string): string {
  return `evt_${type.replace('.', '_')}_${subject}`;
}

/**
 * The outbox job for a change: written by the transaction that makes the change, so the event is
 * never lost to a crash after the commit, and keyed by type and subject, so a repeated change
 * (a duplicate notification that lost the race) schedules nothing twice.
 */
export function webhookEventJob(type: WebhookEventType, subject: string, at: Date): NewJob {
  return {
    type: WEBHOOK_EVENT_JOB,
    key: `${type}:${subject}`,
    runAt: at,
    payload: { type, subject, at: at.toISOString() },
  };
}

/** Whether some endpoint wants events of `type`. */
export function wantsWebhook(
  endpoints: readonly WebhookEndpoint[] | undefined,
  type: WebhookEventType,
): boolean {
  return (endpoints ?? []).some((endpoint) => !endpoint.events || endpoint.events.includes(type));
}
