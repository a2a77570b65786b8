/**
 * The wechatpay-kit payment service: products and orders, WeChat Pay v2 and v3 Native payments,
 * idempotent notifications, SSE, timeout close and reconciliation, checkout and admin pages.
 */

export {
  generateAdminToken,
  loadServiceConfig,
  type ServiceConfig,
  ServiceConfigError,
  validateServiceConfig,
  type WechatCredentials,
} from './config/service-config.js';
export { type DemoOptions, type RunningDemo, simulatorCredentials, startDemo } from './demo-launcher.js';
export * from './domain/index.js';
export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './service-app.js';
