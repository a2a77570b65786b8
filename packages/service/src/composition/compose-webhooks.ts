import { HttpWebhookSender } from '../adapters/webhooks/index.js';
import type { ReconciliationStore } from '../domain/index.js';
import { SERVICE_VERSION } from '../http/openapi-info.js';
import type { Job } from '../jobs/index.js';
import {
  DeliverWebhook,
  ListWebhookDeliveries,
  type PaymentDeps,
  PublishWebhookEvent,
  type RefundDeps,
  ResendWebhook,
  type WebhookUseCases,
} from '../use-cases/index.js';

/** The outbound webhooks as the job runner drives them: an event job fans out, a delivery job sends. */
export interface ComposedWebhooks {
  publish(job: Job): Promise<void>;
  deliver(job: Job): Promise<void>;
  /** What the admin's webhook routes call. */
  useCases: WebhookUseCases;
}

export function composeWebhooks(
  payments: PaymentDeps,
  refunds: Pick<RefundDeps, 'refunds'>,
  discrepancies?: Pick<ReconciliationStore, 'findDiscrepancy'>,
): ComposedWebhooks {
  const publish = new PublishWebhookEvent({ ...payments, refunds: refunds.refunds, discrepancies });
  const sender = new HttpWebhookSender({ userAgent: `wechatpay-kit-service/${SERVICE_VERSION}` });
  const deliver = new DeliverWebhook({ ...payments, sender });
  const webhookLog = payments.webhookLog;
  const useCases: WebhookUseCases | undefined = webhookLog && {
    listWebhookDeliveries: new ListWebhookDeliveries({ webhooks: payments.webhooks, webhookLog }),
    resendWebhook: new ResendWebhook({ ...payments, sender, webhookLog }),
  };
  if (!useCases) throw new Error('the webhooks need the delivery log (PaymentDeps.webhookLog)');
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    useCases,
    async publish(job) {
      const { type, subject, at } = job.payload;
      await publish.execute({ type: text(type), subject: text(subject), at: text(at) });
    },
    async deliver(job) {
      const { endpointId, event } = job.payload;
      await deliver.execute({
        endpointId: text(endpointId),
        event: event as Parameters<DeliverWebhook['execute']>[0]['event'],
      });
    },
  };
}
