import { WechatPayFormatError } from './errors.js';
import type { KitWebhookEvent } from './webhooks/webhook-events.js';
import {
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhooks/webhook-signature.js';

/**
 * The receiving side of the wechatpay-kit payment service's outbound webhooks (`order.paid`,
 * `refund.succeeded` …), for the merchant's own order or ERP system. Import from
 * `@wechatpay-kit/sdk/webhooks`; the signed test deliveries are in `@wechatpay-kit/sdk/testing`.
 */
export {
  KIT_WEBHOOK_EVENT_TYPES,
  type KitWebhookEvent,
  type KitWebhookEventData,
  type KitWebhookEventType,
} from './webhooks/webhook-events.js';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type SignWebhookOptions,
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhooks/webhook-signature.js';

/**
 * Verifies a delivery (signature over the raw body, time within the replay window) and returns its
 * event. `headers` as Node gives them (lower-case names). Deduplicate by `event.id`.
 */
export function parseWebhook(
  headers: Record<string, string | string[] | undefined>,
  body: string | Buffer,
  secrets: string | readonly string[],
  options?: VerifyWebhookOptions,
): KitWebhookEvent {
  verifyWebhookSignature(body, headers[WEBHOOK_SIGNATURE_HEADER], secrets, options);
  let event: unknown;
  try {
    event = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new WechatPayFormatError('webhook body is not JSON');
  }
  const shape = event as Partial<KitWebhookEvent> | null;
  if (
    !shape ||
    typeof shape.id !== 'string' ||
    typeof shape.type !== 'string' ||
    typeof shape.data !== 'object'
  ) {
    throw new WechatPayFormatError('webhook body is not an event: {id, type, createdAt, data} expected');
  }
  return shape as KitWebhookEvent;
}
