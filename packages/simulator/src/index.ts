/**
 * wechatpay-kit simulator: a stateful, offline WeChat Pay (API v2 + v3) and WeChat platform.
 * Start it in-process with {@link startSimulator}, or as `wxpay sim`.
 */

export {
  type LoginResult,
  type MiniProgramPayParams,
  MiniProgramPlayer,
  type MiniProgramPlayerOptions,
  type MiniProgramPurchase,
  type PaymentAction,
  playMiniProgramPurchase,
  RequestPaymentError,
} from './clients/miniprogram-player.js';
export type { ApiCall } from './engine/api-call-log.js';
/** The fee rate the simulator's bills charge, in percent (a service reconciling against it checks fees at this rate). */
export { FEE_RATE_PERCENT } from './engine/bill-format.js';
export type { ApiFaultRule, NotifyFaults } from './engine/fault-injector.js';
export type { MerchantCredentials, NewMerchant } from './engine/merchant-registry.js';
export type { SimMerchantConfig } from './merchant-config.js';
export {
  MERCHANT_EXPORT_FILES,
  MERCHANT_KEY_FILES,
  type MerchantClientOptions,
  merchantClientOptions,
  merchantServiceEnv,
} from './merchant-exports.js';
export { type RunningSimulator, type SimulatorOptions, startSimulator } from './simulator-server.js';
