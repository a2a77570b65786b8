export * from './china-time.js';
export { SdkWechatGateway, type WechatMerchantConfig } from './sdk-wechat-gateway.js';
export * from './wechat-error-mapper.js';
export * from './wechat-trade-mapper.js';
