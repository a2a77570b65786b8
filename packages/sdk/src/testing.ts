/**
 * Test helpers, shipped next to the verifiers they feed (as stripe-node ships signed test webhooks):
 * they produce exactly what WeChat Pay sends, so a merchant's tests exercise the real verification
 * path instead of switching it off. Import from `@wechatpay-kit/sdk/testing`; the root does not
 * re-export them.
 */
export {
  buildV2PaymentNotification,
  buildV2RefundNotification,
  type V2PaymentNotificationInput,
  type V2RefundNotificationInfo,
} from './v2/v2-notification-builder.js';
export { signV3Response, type V3ResponseSigningKey } from './v3/response-signer.js';
export type { V3NotificationResourceInputs } from './v3/v3-notification.js';
export {
  type BuildV3NotificationOptions,
  type BuiltV3Notification,
  buildV3Notification,
} from './v3/v3-notification-builder.js';
export {
  type BuiltWebhookDelivery,
  buildSignedWebhook,
} from './webhooks/webhook-test-delivery.js';
