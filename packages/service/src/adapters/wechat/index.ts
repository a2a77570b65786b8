export * from './china-time.js';
export { SdkPayParamsSigner } from './sdk-pay-params-signer.js';
export { SdkProductQrGateway } from './sdk-product-qr-gateway.js';
export { SdkRefundGateway } from './sdk-refund-gateway.js';
export { SdkWechatGateway } from './sdk-wechat-gateway.js';
export { WechatClients, type WechatMerchantConfig } from './wechat-clients.js';
export * from './wechat-error-mapper.js';
export { WechatNotificationReplies } from './wechat-notification-replies.js';
export * from './wechat-trade-mapper.js';
