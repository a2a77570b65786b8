import { HttpWebhookSender, type WebhookEndpointDirectory } from '../adapters/webhooks/index.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { ReconciliationStore } from '../domain/index.js';
import { SERVICE_VERSION } from '../http/openapi-info.js';
import type { Job } from '../jobs/index.js';
import {
  DeliverWebhook,
  ListWebhookDeliveries,
  ManageWebhookEndpoints,
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

/** The endpoints events go to, and what the admin may do with them. */
export interface WebhookEndpointsInput {
  directory: WebhookEndpointDirectory;
  /** The environment's endpoint(s), shown read-only. */
  fixed: ServiceConfig['webhooks'];
  /** Plain-http URLs for admin-added endpoints: `WEBHOOK_ALLOW_HTTP`, by default only in demo mode. */
  allowHttp: boolean;
}

export function composeWebhooks(
  payments: PaymentDeps,
  refunds: Pick<RefundDeps, 'refunds'>,
  endpoints: WebhookEndpointsInput,
  discrepancies?: Pick<ReconciliationStore, 'findDiscrepancy'>,
): ComposedWebhooks {
  const publish = new PublishWebhookEvent({ ...payments, refunds: refunds.refunds, discrepancies });
  const sender = new HttpWebhookSender({ userAgent: `wechatpay-kit-service/${SERVICE_VERSION}` });
  const deliver = new DeliverWebhook({ ...payments, sender });
  const webhookLog = payments.webhookLog;
  const useCases: WebhookUseCases | undefined = webhookLog && {
    listWebhookDeliveries: new ListWebhookDeliveries({ webhookLog }),
    resendWebhook: new ResendWebhook({ ...payments, sender, webhookLog }),
    manageWebhookEndpoints: new ManageWebhookEndpoints(
      { ...payments, store: endpoints.directory.store, fixed: endpoints.fixed ?? [] },
      { allowHttp: endpoints.allowHttp },
    ),
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
