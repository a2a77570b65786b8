export {
  type V3Notification,
  type V3NotificationEventType,
  V3NotificationParser,
  type V3NotificationParserOptions,
  type V3NotificationResources,
  type V3RefundEventType,
  type V3RefundNotification,
  type V3TransactionNotification,
} from '../notify/v3-notification.js';
export {
  type BuildV3NotificationOptions,
  type BuiltV3Notification,
  buildV3Notification,
} from '../notify/v3-notification-builder.js';
export {
  type V3NotificationReply,
  v3NotificationAck,
  v3NotificationFailure,
} from '../notify/v3-notification-reply.js';
export {
  type AppPayParamsV3,
  type AppPayParamsV3Input,
  appPayParamsV3,
  type JsapiPayParamsV3,
  type JsapiPayParamsV3Input,
  jsapiPayParamsV3,
  type MerchantMessageSigner,
  type PaySignKey,
} from '../pay-params/v3-pay-params.js';
export { BillsResource } from './bills-resource.js';
export { PlatformCertificateStore, type PlatformCertificateStoreOptions } from './certificate-store.js';
export { RefundsResource } from './refunds-resource.js';
export {
  type ParsedAuthorization,
  parseAuthorization,
  V3_SIGNATURE_SCHEME,
  type V3Credentials,
  V3RequestSigner,
} from './request-signer.js';
export { signV3Response, type V3ResponseSigningKey } from './response-signer.js';
export {
  type HeaderBag,
  header,
  PROBE_SIGNATURE_PREFIX,
  V3ResponseVerifier,
  type V3VerifierOptions,
  type VerifiedHeaders,
} from './response-verifier.js';
export { isRfc3339, toRfc3339Beijing } from './rfc3339-time.js';
export { TransactionsResource } from './transactions-resource.js';
export { V3Client } from './v3-client.js';
export type { V3CertificateModeOptions, V3ClientOptions, V3Verification } from './v3-client-options.js';
export type * from './v3-types.js';
export {
  CompositeKeyStore,
  PublicKeyStore,
  StaticKeyStore,
  type VerificationKeyStore,
} from './verification-keys.js';
