import { type WebhookEndpoint, wantsWebhook } from './webhook-event.js';
import type { WebhookEndpoints } from './webhook-ports.js';

/** A fixed set of endpoints (the environment's, or a test's) as the {@link WebhookEndpoints} port. */
export function fixedWebhookEndpoints(endpoints: readonly WebhookEndpoint[]): WebhookEndpoints {
  return {
    wants: async (type) => wantsWebhook(endpoints, type),
    enabled: async () => endpoints,
    find: async (id) => endpoints.find((endpoint) => endpoint.id === id),
  };
}
