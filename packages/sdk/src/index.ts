/**
 * wechatpay-kit SDK: WeChat Pay API v2 (XML) and v3 (JSON), notifications, client pay parameters
 * and the WeChat platform (tokens, JS-SDK, OAuth2, mini-program login). `node:crypto` only, no web
 * framework; every transport, key store and cache is an interface you can replace.
 *
 * The root holds what a merchant integrates with: clients, notification parsers, pay-parameter
 * builders, errors and types. Signing and encryption primitives are in `@wechatpay-kit/sdk/crypto`,
 * signed fake notifications for tests in `@wechatpay-kit/sdk/testing`. The notification endpoints
 * (`v3NotificationEndpoint` …) are framework-neutral; `@wechatpay-kit/sdk/koa`, `/express` and
 * `/fastify` mount them.
 */

export { type BillCsvLine, readBillCsv } from './core/bill-stream.js';
export type {
  HttpClient,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  HttpStreamResponse,
  UndiciHttpClientOptions,
} from './core/http-client.js';
export { UndiciHttpClient } from './core/http-client.js';
export type { AppPayParams, JsapiPayParams } from './core/pay-params-types.js';
export {
  type CollectPaymentCodeOptions,
  collectPaymentCode,
  type PaymentCodeCashier,
  type PaymentCodeOutcome,
  type PaymentCodeResumer,
  type PaymentCodeState,
  type PaymentCodeStep,
  type ResumePaymentCodeOptions,
  resumePaymentCode,
} from './core/payment-code-procedure.js';
export { assertPaymentCode, isPaymentCode, maskPaymentCode } from './core/payment-code-validator.js';
export type { RetryPolicy } from './core/retry.js';
export { isPaidTradeState } from './core/trade-state.js';
export type { AeadEnvelope } from './crypto/aes-gcm.js';
export type { CertificateInfo, KeyInput } from './crypto/rsa.js';
export * from './errors.js';
export type { FrameworkName } from './frameworks/body-parser-hint.js';
export {
  DEFAULT_NOTIFICATION_TIMEOUT_MS,
  type NotificationEndpoint,
  type NotificationEndpointKind,
  type NotificationEndpointOptions,
  type NotificationErrorInfo,
  type NotificationReply,
  type NotificationStage,
} from './frameworks/notification-endpoint.js';
export {
  type ProductCallbackDecision,
  type ProductCallbackEndpointOptions,
  productCallbackEndpoint,
} from './frameworks/product-callback-endpoint.js';
export { DEFAULT_MAX_NOTIFICATION_BYTES, type RawNotificationRequest } from './frameworks/raw-body-reader.js';
export {
  type V2NotificationHandler,
  v2PaymentNotificationEndpoint,
  v2RefundNotificationEndpoint,
} from './frameworks/v2-notification-endpoints.js';
export {
  type V3NotificationHandlers,
  type V3NotificationOf,
  type V3NotificationSource,
  v3NotificationEndpoint,
} from './frameworks/v3-notification-endpoint.js';
export * from './platform/access-token-provider.js';
export * from './platform/credential-refresher.js';
export * from './platform/jsapi-ticket-provider.js';
export { buildJssdkConfig, type JssdkConfig, jssdkSignature } from './platform/jssdk-signature.js';
export * from './platform/miniprogram-client.js';
export * from './platform/oauth-client.js';
export * from './platform/platform-client.js';
export * from './platform/token-cache.js';
export * from './v2/bill-csv.js';
export * from './v2/native-mode1.js';
export * from './v2/v2-client.js';
export * from './v2/v2-notification.js';
export * from './v2/v2-pay-params.js';
export { v2PaymentCodeCashier, v2PaymentCodeResumer } from './v2/v2-payment-code-cashier.js';
export type { V2Fields, V2SignType } from './v2/v2-signer.js';
export type * from './v2/v2-types.js';
export * from './v2/xml-codec.js';
export { BillsResource } from './v3/bills-resource.js';
export { PlatformCertificateStore, type PlatformCertificateStoreOptions } from './v3/certificate-store.js';
export { RefundsResource } from './v3/refunds-resource.js';
export { type V3Credentials, V3RequestSigner } from './v3/request-signer.js';
export {
  type HeaderBag,
  V3ResponseVerifier,
  type V3VerifierOptions,
  type VerifiedHeaders,
} from './v3/response-verifier.js';
export { isRfc3339, toRfc3339Beijing } from './v3/rfc3339-time.js';
export { TransactionsResource } from './v3/transactions-resource.js';
export type * from './v3/v3-bill-types.js';
export { V3Client } from './v3/v3-client.js';
export type { V3CertificateModeOptions, V3ClientOptions, V3Verification } from './v3/v3-client-options.js';
export type * from './v3/v3-codepay-types.js';
export {
  type V3Notification,
  type V3NotificationEventType,
  V3NotificationParser,
  type V3NotificationParserOptions,
  type V3NotificationResources,
  type V3RefundEventType,
  type V3RefundNotification,
  type V3TransactionNotification,
} from './v3/v3-notification.js';
export {
  type V3NotificationReply,
  v3NotificationAck,
  v3NotificationFailure,
} from './v3/v3-notification-reply.js';
export * from './v3/v3-pay-params.js';
export { v3PaymentCodeCashier, v3PaymentCodeResumer } from './v3/v3-payment-code-cashier.js';
export type * from './v3/v3-types.js';
export {
  CompositeKeyStore,
  PublicKeyStore,
  StaticKeyStore,
  type VerificationKeyStore,
} from './v3/verification-keys.js';
