import type { WebhookEndpoint, WebhookEventType } from './webhook-event.js';

/** An endpoint as the admin sees it: never its secret. */
export interface WebhookEndpointInfo {
  id: string;
  url: string;
  /** The event types it receives; all when absent (the environment's endpoint without `WEBHOOK_EVENTS`). */
  events?: readonly WebhookEventType[];
  description: string;
  enabled: boolean;
  /** The environment's endpoint (`WEBHOOK_URL`): shown, changed only there. */
  readOnly: boolean;
  createdAt?: Date;
  updatedAt?: Date;
  secretRotatedAt?: Date;
  /** After a rotation the old secret still signs until then. */
  previousSecretUntil?: Date;
}

export interface WebhookEndpointChanges {
  url?: string;
  events?: readonly WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

/**
 * The endpoints added from the admin, in the database. Secrets go in and are used for signing,
 * but no read for the admin returns one; the store may keep them encrypted.
 */
export interface WebhookEndpointStore {
  list(): Promise<WebhookEndpointInfo[]>;
  find(id: string): Promise<WebhookEndpointInfo | undefined>;
  create(
    endpoint: {
      id: string;
      url: string;
      events: readonly WebhookEventType[];
      description: string;
      secret: string;
    },
    at: Date,
  ): Promise<WebhookEndpointInfo>;
  /** `undefined` when there is no such endpoint. */
  update(id: string, changes: WebhookEndpointChanges, at: Date): Promise<WebhookEndpointInfo | undefined>;
  /** The new secret signs from now; the current one is kept beside it until `previousUntil`. */
  rotateSecret(
    id: string,
    secret: string,
    at: Date,
    previousUntil: Date,
  ): Promise<WebhookEndpointInfo | undefined>;
  /** The enabled endpoints with their signing secrets at `now` (a rotated-out one while it overlaps). */
  signing(now: Date): Promise<WebhookEndpoint[]>;
}
