import type { WebhookAttempt, WebhookEndpoint, WebhookEvent, WebhookEventType } from './webhook-event.js';

/**
 * Where events go: the environment's endpoint and those added from the admin, enabled ones only,
 * with the secrets they sign with now.
 */
export interface WebhookEndpoints {
  /**
   * Whether an enabled endpoint takes events of `type`. Every state change asks, before writing its
   * event job, so the answer may be up to a second old on another instance.
   */
  wants(type: WebhookEventType): Promise<boolean>;
  /** The enabled endpoints as they are now: who an event is fanned out to. */
  enabled(): Promise<readonly WebhookEndpoint[]>;
  /** An enabled endpoint; `undefined` when it is disabled or gone. */
  find(id: string): Promise<WebhookEndpoint | undefined>;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event on its way to one endpoint, as the admin sees it. */
export interface WebhookDelivery {
  /** `${eventId}|${endpointId}`: also the key of its delivery job. */
  id: string;
  eventType: WebhookEventType;
  /** The order or refund number. */
  subject: string;
  endpointId: string;
  event: WebhookEvent;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface WebhookAttemptRecord extends WebhookAttempt {
  at: Date;
  /** A resend from the admin, outside the retry schedule. */
  manual: boolean;
}

/** Every delivery and attempt, written as they happen (a delivery once, however often its job runs). */
export interface WebhookDeliveryLog {
  open(
    delivery: { id: string; subject: string; endpointId: string; event: WebhookEvent },
    at: Date,
  ): Promise<void>;
  recordAttempt(
    id: string,
    attempt: WebhookAttempt,
    outcome: { status: WebhookDeliveryStatus; at: Date; manual: boolean },
  ): Promise<void>;
  list(filter?: { status?: WebhookDeliveryStatus; limit?: number }): Promise<WebhookDelivery[]>;
  find(id: string): Promise<(WebhookDelivery & { history: WebhookAttemptRecord[] }) | undefined>;
}
