import type { AbuseLimits } from '../config/abuse-limits-config.js';
import type { EventBus, InboundNotificationsByVersion } from '../domain/index.js';
import type { ProductQrGateway } from '../domain/native-mode1-ports.js';
import type {
  AdminAccessUseCases,
  AdminUseCases,
  NativeMode1UseCases,
  PaymentUseCases,
  PlatformUseCases,
  ReconciliationUseCases,
  RefundUseCases,
  WebhookUseCases,
} from '../use-cases/index.js';

/** The platform part of `HttpAppOptions`; absent = the platform routes answer 503. */
export interface PlatformHttpOptions {
  useCases: PlatformUseCases;
  /** Signs session cookies, mini-program tokens and OAuth state cookies. */
  sessionSecret: string;
  /** The service's public URL: the OAuth `redirect_uri` and the cookies' `Secure` flag come from it. */
  publicUrl: string;
  /** Session expiry clock (the simulator's in the demo). */
  now?: () => number;
}

/**
 * Everything `buildHttpApp` is given: each feature's use cases (built by its composition module),
 * the WeChat reply formats, and settings. A feature left out is not served.
 */
export interface HttpAppOptions {
  payments: PaymentUseCases;
  /** WeChat's acknowledgement and refusal formats, for the notification routes. */
  replies: InboundNotificationsByVersion;
  /** The refund API and refund notifications; absent = not served. */
  refunds?: RefundUseCases;
  /** The admin console's use cases beyond the order list. */
  admin?: AdminUseCases;
  /** The admin's webhook tab; absent = not served. */
  webhooks?: WebhookUseCases;
  /** The admin's reconciliation tab; absent = not served. */
  reconciliation?: ReconciliationUseCases;
  events: EventBus;
  /** The bootstrap owner: `Authorization: Bearer <adminToken>` may do everything. */
  adminToken: string;
  /** Admin users, their sessions and the audit log; absent = only the admin token gets in. */
  access?: AdminAccessUseCases;
  /** The admin session cookie's `Secure` flag; by default on when `publicUrl` is https. */
  secureCookies?: boolean;
  /** Native mode 1 (product QR codes and their scan callback, answered in WeChat's signed XML); absent = not served. */
  nativeMode1?: {
    useCases: NativeMode1UseCases;
    replies: Pick<ProductQrGateway, 'reply' | 'unreadableReply'>;
  };
  /** Demo mode: the pages link to the stand-in WeChat app; absent for a real merchant. */
  demo?: { wechatAppUrl: string };
  trustProxy?: boolean;
  logger?: boolean;
  /** WeChat sign-in, JS-SDK and mini-program login; absent = those routes answer 503. */
  platform?: PlatformHttpOptions;
  /** Rate limits per client; absent = the defaults. */
  limits?: AbuseLimits;
  /** `/metrics` behind this bearer token when set. */
  metricsToken?: string;
  /** Where log lines go instead of standard output (turns logging on). */
  logStream?: NodeJS.WritableStream;
  /** An https URL turns on `Strict-Transport-Security`. */
  publicUrl?: string;
  /** The merchant's own systems' API keys (`MERCHANT_API_KEYS`); none = shoppers' orders only. */
  merchantApiKeys?: readonly { name: string; key: string }[];
}
