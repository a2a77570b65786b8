/**
 * The wechatpay-kit payment service: products and orders, WeChat Pay v2 and v3 Native payments,
 * idempotent notifications, SSE, timeout close and reconciliation, checkout and admin pages.
 */

export type { TokenCacheKind } from './adapters/platform/token-cache-factory.js';
export { merchantApiKeysOf } from './config/merchant-api-keys-config.js';
export {
  type DemoModeConfig,
  generateAdminToken,
  generateSessionSecret,
  loadServiceConfig,
  type PlatformConfig,
  type ServiceConfig,
  ServiceConfigError,
  validateServiceConfig,
  type WechatCredentials,
  webhookEndpointsOf,
} from './config/service-config.js';
export * from './domain/index.js';
export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './service-app.js';
