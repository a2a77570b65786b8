/**
 * Test helpers, shipped next to the verifiers they feed (as stripe-node ships signed test webhooks):
 * they produce exactly what WeChat Pay sends, so a merchant's tests exercise the real verification
 * path instead of switching it off. Import from `@wechatpay-kit/sdk/testing`.
 */
export {
  buildV2PaymentNotification,
  buildV2RefundNotification,
} from './notify/v2-notification-builder.js';
export { buildV3Notification } from './notify/v3-notification-builder.js';
export { signV3Response } from './v3/response-signer.js';
