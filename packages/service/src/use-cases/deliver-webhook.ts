import type {
  Clock,
  WebhookDeliveryLog,
  WebhookEndpoints,
  WebhookEvent,
  WebhookSender,
} from '../domain/index.js';
import type { UseCaseLogger } from './use-case-deps.js';

/** How long a delivery is retried: a day, as WeChat itself retries its notifications, and an hour more. */
export const WEBHOOK_GIVE_UP_AFTER_MS = 25 * 3600_000;

export interface DeliverWebhookDeps {
  sender: WebhookSender;
  webhooks?: WebhookEndpoints;
  webhookLog?: WebhookDeliveryLog;
  clock: Clock;
  logger?: UseCaseLogger;
}

export interface DeliverWebhookInput {
  endpointId: string;
  event: Omit<WebhookEvent, 'createdAt'> & { createdAt: string };
}

export type DeliverWebhookOutcome = 'DELIVERED' | 'GAVE_UP' | 'ENDPOINT_GONE';

/**
 * One attempt to deliver one event to one endpoint (a `webhook-delivery` job). Not acknowledged
 * (no 2xx in time) throws, so the job runner tries again with back-off; after
 * {@link WEBHOOK_GIVE_UP_AFTER_MS} from the event it stops and logs an error a person must act on.
 */
export class DeliverWebhook {
  readonly #deps: DeliverWebhookDeps;

  constructor(deps: DeliverWebhookDeps) {
    this.#deps = deps;
  }

  async execute(input: DeliverWebhookInput): Promise<DeliverWebhookOutcome> {
    const { sender, webhooks, webhookLog, clock, logger } = this.#deps;
    const endpoint = await webhooks?.find(input.endpointId);
    const ids = { eventId: input.event.id, type: input.event.type, endpoint: input.endpointId };
    const deliveryId = `${input.event.id}|${input.endpointId}`;
    if (!endpoint) {
      logger?.warn(ids, 'webhook delivery dropped: the endpoint is disabled or no longer configured');
      // Said on the delivery, so the admin sees why it stopped; a resend once re-enabled still works.
      await webhookLog?.recordAttempt(
        deliveryId,
        { acked: false, error: 'not sent: the endpoint is disabled or no longer configured', durationMs: 0 },
        { status: 'failed', at: clock.now(), manual: false },
      );
      return 'ENDPOINT_GONE';
    }
    // A resend from the admin may have been acknowledged since this retry was scheduled.
    if ((await webhookLog?.find(deliveryId))?.status === 'delivered') return 'DELIVERED';
    const event: WebhookEvent = { ...input.event, createdAt: new Date(input.event.createdAt) };
    const attempt = await sender.send(endpoint, event);
    const outcome = { ...ids, httpStatus: attempt.httpStatus, durationMs: attempt.durationMs };
    const now = clock.now();
    const tooOld = now.getTime() - event.createdAt.getTime() >= WEBHOOK_GIVE_UP_AFTER_MS;
    const status = attempt.acked ? 'delivered' : tooOld ? 'failed' : 'pending';
    await webhookLog?.recordAttempt(deliveryId, attempt, {
      status,
      at: now,
      manual: false,
    });
    if (attempt.acked) {
      logger?.info(outcome, 'webhook delivered');
      return 'DELIVERED';
    }
    if (tooOld) {
      logger?.error(
        { ...outcome, error: attempt.error },
        'WEBHOOK GAVE UP: the endpoint did not acknowledge the event for 25 h; tell its owner',
      );
      return 'GAVE_UP';
    }
    throw new Error(
      `webhook ${input.event.id} to ${endpoint.id} not acknowledged: ${attempt.httpStatus ? `HTTP ${attempt.httpStatus}` : attempt.error}`,
    );
  }
}
