import {
  type Order,
  type ReconciliationStore,
  type Refund,
  type RefundRepository,
  WEBHOOK_DELIVERY_JOB,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventType,
  wantsWebhook,
  webhookEventId,
} from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export type PublishWebhookEventDeps = Pick<
  PaymentDeps,
  'orders' | 'jobs' | 'clock' | 'webhooks' | 'webhookLog' | 'logger'
> & {
  refunds: Pick<RefundRepository, 'find'>;
  /** Where `reconciliation.discrepancy` events read their difference (subject: its id). */
  discrepancies?: Pick<ReconciliationStore, 'findDiscrepancy'>;
};

export interface PublishWebhookEventInput {
  type: string;
  /** The order or refund number the event is about. */
  subject: string;
  /** When the change happened (ISO). */
  at: string;
}

/**
 * Turns a state change (an outbox `webhook-event` job) into its event and one delivery job per
 * endpoint that wants it. The data is read now, from what the change left: every field an event
 * carries is final once its state is reached. Delivery jobs are keyed by event and endpoint, so
 * running this again (its job re-claimed after a crash) schedules nothing twice.
 */
export class PublishWebhookEvent {
  readonly #deps: PublishWebhookEventDeps;

  constructor(deps: PublishWebhookEventDeps) {
    this.#deps = deps;
  }

  async execute(input: PublishWebhookEventInput): Promise<WebhookEvent | undefined> {
    const { jobs, clock, webhooks, webhookLog, logger } = this.#deps;
    const type = WEBHOOK_EVENT_TYPES.find((known) => known === input.type);
    const data = type && (await this.#dataOf(type, input.subject));
    if (!type || !data) {
      logger?.warn(
        { type: input.type, subject: input.subject },
        'webhook event dropped: nothing to tell about',
      );
      return undefined;
    }
    const event: WebhookEvent = {
      id: webhookEventId(type, input.subject),
      type,
      createdAt: new Date(input.at),
      data,
    };
    const now = clock.now();
    for (const endpoint of (await webhooks?.enabled()) ?? []) {
      if (!wantsWebhook([endpoint], type)) continue;
      const id = `${event.id}|${endpoint.id}`;
      await webhookLog?.open({ id, subject: input.subject, endpointId: endpoint.id, event }, now);
      await jobs.enqueue({
        type: WEBHOOK_DELIVERY_JOB,
        key: id,
        runAt: now,
        payload: { endpointId: endpoint.id, event: { ...event, createdAt: input.at } },
      });
    }
    return event;
  }

  async #dataOf(type: WebhookEventType, subject: string): Promise<Record<string, unknown> | undefined> {
    if (type === 'order.paid' || type === 'order.closed') {
      const order = await this.#deps.orders.findByOrderNo(subject);
      return order && orderData(type, order);
    }
    if (type === 'refund.succeeded' || type === 'refund.failed') {
      const refund = await this.#deps.refunds.find(subject);
      return refund && refundData(type, refund);
    }
    const found = /^\d{1,15}$/.test(subject)
      ? await this.#deps.discrepancies?.findDiscrepancy(Number(subject))
      : undefined;
    return (
      found && {
        date: found.date,
        kind: found.kind,
        orderNo: found.orderNo,
        ...(found.refundNo ? { refundNo: found.refundNo } : {}),
        ...(found.wechatFen === undefined ? {} : { wechatAmount: found.wechatFen }),
        ...(found.localFen === undefined ? {} : { localAmount: found.localFen }),
        detail: found.detail,
      }
    );
  }
}

function orderData(type: 'order.paid' | 'order.closed', order: Order): Record<string, unknown> | undefined {
  if (type === 'order.closed') {
    return {
      orderNo: order.orderNo,
      amount: order.amountFen,
      closedAt: order.closedAt?.toISOString(),
      ...(order.merchantReference ? { merchantReference: order.merchantReference } : {}),
    };
  }
  if (!order.paidAt || !order.transactionId) return undefined;
  return {
    orderNo: order.orderNo,
    amount: order.amountFen,
    transactionId: order.transactionId,
    paidAt: order.paidAt.toISOString(),
    payType: order.payType,
    apiVersion: order.apiVersion,
    productId: order.productId,
    description: order.description,
    ...(order.merchantReference ? { merchantReference: order.merchantReference } : {}),
  };
}

function refundData(type: 'refund.succeeded' | 'refund.failed', refund: Refund): Record<string, unknown> {
  const common = { refundNo: refund.refundNo, orderNo: refund.orderNo, amount: refund.amountFen };
  if (type === 'refund.succeeded') {
    return {
      ...common,
      succeededAt: (refund.succeededAt ?? refund.updatedAt).toISOString(),
      ...(refund.wechatRefundId ? { wechatRefundId: refund.wechatRefundId } : {}),
    };
  }
  return {
    ...common,
    state: refund.state,
    ...(refund.errorMessage ? { errorMessage: refund.errorMessage } : {}),
  };
}
