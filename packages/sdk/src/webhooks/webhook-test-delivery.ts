import type { KitWebhookEvent } from './webhook-events.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

/** A delivery as the payment service sends it: the JSON body and its headers. */
export interface BuiltWebhookDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * A correctly signed delivery of `event`, for the merchant's tests of their webhook receiver: feed
 * it to the real `parseWebhook` instead of switching verification off. `timestamp` (unix seconds)
 * lets a test produce a stale delivery on purpose.
 */
export function buildSignedWebhook(
  event: KitWebhookEvent,
  secret: string,
  options: { timestamp?: number } = {},
): BuiltWebhookDelivery {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, secret, options),
    },
  };
}
