import {
  DomainError,
  type WebhookAttemptRecord,
  type WebhookDelivery,
  type WebhookDeliveryLog,
  type WebhookDeliveryStatus,
} from '../domain/index.js';

export interface ListWebhookDeliveriesDeps {
  webhookLog: WebhookDeliveryLog;
}

/** The admin's webhook tab: the latest deliveries, one delivery's attempts. */
export class ListWebhookDeliveries {
  readonly #deps: ListWebhookDeliveriesDeps;

  constructor(deps: ListWebhookDeliveriesDeps) {
    this.#deps = deps;
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
