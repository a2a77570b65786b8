import {
  DomainError,
  type WebhookAttemptRecord,
  type WebhookDelivery,
  type WebhookDeliveryLog,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from '../domain/index.js';

/** An endpoint as the admin may see it: never its secret. */
export type WebhookEndpointView = Pick<WebhookEndpoint, 'id' | 'url' | 'events'>;

export interface ListWebhookDeliveriesDeps {
  webhooks?: readonly WebhookEndpoint[];
  webhookLog: WebhookDeliveryLog;
}

/** The admin's webhook tab: where events go, the latest deliveries, one delivery's attempts. */
export class ListWebhookDeliveries {
  readonly #deps: ListWebhookDeliveriesDeps;

  constructor(deps: ListWebhookDeliveriesDeps) {
    this.#deps = deps;
  }

  endpoints(): WebhookEndpointView[] {
    return (this.#deps.webhooks ?? []).map(({ id, url, events }) => ({
      id,
      url,
      ...(events ? { events } : {}),
    }));
  }

  list(filter: { status?: WebhookDeliveryStatus; limit?: number } = {}): Promise<WebhookDelivery[]> {
    return this.#deps.webhookLog.list(filter);
  }

  async find(id: string): Promise<WebhookDelivery & { history: WebhookAttemptRecord[] }> {
    const delivery = await this.#deps.webhookLog.find(id);
    if (!delivery) throw new DomainError('WEBHOOK_DELIVERY_NOT_FOUND', `no webhook delivery ${id}`);
    return delivery;
  }
}
