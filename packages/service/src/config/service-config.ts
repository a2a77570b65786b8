import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { TokenCacheKind } from '../adapters/platform/token-cache-factory.js';
import {
  type ApiVersion,
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpoint,
  type WebhookEventType,
} from '../domain/index.js';
import type { AbuseLimits } from './abuse-limits-config.js';
import { type Env, integer, optional, optionalInteger, pemFile, rateLimit, required } from './env-reader.js';
import {
  type MerchantApiKey,
  merchantApiKeysOf,
  validateMerchantApiKeys,
} from './merchant-api-keys-config.js';
import { type PosConfig, posConfig } from './pos-config.js';
import { type ReconciliationConfig, reconciliationConfig } from './reconciliation-config.js';
import { ServiceConfigError } from './service-config-error.js';
import {
  validateWebhookStore,
  type WebhookStoreConfig,
  webhookStoreConfigOf,
} from './webhook-store-config.js';

export { ServiceConfigError } from './service-config-error.js';

/**
 * The WeChat Pay merchant the service sells as: API v2, API v3 or both (orders choose theirs).
 * Secrets stay in memory and are never logged.
 */
export interface WechatCredentials {
  mchid: string;
  appid: string;
  /** v2 API key (MD5 / HMAC-SHA256 signing), 32 characters; absent = no API v2. */
  apiKey?: string;
  /** APIv3 key (notification decryption), 32 bytes; absent = no API v3. */
  apiV3Key?: string;
  /** Merchant API certificate serial number (v3 request signing). */
  serialNo?: string;
  /** Merchant API private key: v3 request signing, and the key of the v2 refund client certificate. */
  privateKeyPem?: string;
  /** WeChat Pay public key mode (merchants created since late 2024), for v3. */
  publicKeyId?: string;
  publicKeyPem?: string;
  /** The merchant API certificate (PEM): the client certificate of v2 refunds (`/secapi`). */
  certificatePem?: string;
  /** `https://api.mch.weixin.qq.com` unless pointed at the simulator. */
  baseUrl?: string;
  /** Used when an order does not ask for a version. */
  apiVersion: ApiVersion;
  /** MINIPROGRAM orders are paid under this appid (default: `appid`). */
  miniProgramAppid?: string;
  /** `WECHATPAY_APP_APPID`: APP orders are made and signed under the mobile App's appid (default: `appid`). */
  appAppid?: string;
}

/**
 * The WeChat platform side (official-account sign-in, JS-SDK, mini-program login). Optional as a
 * whole: without it the platform routes answer 503 `PLATFORM_NOT_CONFIGURED`.
 */
export interface PlatformConfig {
  /** The official account's AppSecret (`WECHAT_APPSECRET`). */
  appSecret: string;
  /** `WECHAT_MINIPROGRAM_APPSECRET`, with `wechat.miniProgramAppid`. */
  miniProgramSecret?: string;
  /** `https://api.weixin.qq.com` unless pointed at the simulator. */
  apiBaseUrl: string;
  /** `https://open.weixin.qq.com` unless pointed at the simulator. */
  oauthBaseUrl: string;
  /** Signs session cookies and mini-program session tokens; at least 32 characters. */
  sessionSecret: string;
  /** Hosts whose pages may get a `wx.config` signature. */
  jssdkDomains: string[];
  tokenCache: TokenCacheKind;
  redisUrl?: string;
}

/**
 * Demo mode: the pages may send the buyer to a stand-in for the WeChat app (the simulator in
 * `wxpay start`) — a link to its phone page, its JS bridge on the JSAPI page — and the admin page
 * offers "request resend". Only a base URL: the service never talks to it as anything special.
 */
export interface DemoModeConfig {
  /** Base URL of the stand-in WeChat app; the pages link to its phone page and load its JS bridge. */
  wechatAppUrl: string;
}

export interface ServiceConfig {
  port: number;
  host: string;
  /** SQLite file and other local state, when `databaseUrl` is not set. */
  dataDir: string;
  /** `postgres://…` switches persistence to PostgreSQL. */
  databaseUrl?: string;
  /**
   * PostgreSQL connections this instance's pool may open (default 10). Each notification holds one
   * only for its one statement, but under load every commit waits for the WAL flush, so the pool
   * bounds how many commits share one flush: see bench/README.md § F. Mind `max_connections` over
   * all instances.
   */
  databasePoolSize?: number;
  /**
   * `DATABASE_STATEMENT_TIMEOUT_MS`: PostgreSQL cancels any statement of the service's pool that runs
   * longer (a lock waited on too), so a stuck query fails one request instead of holding a
   * connection for good. Unset: the server's or role's `statement_timeout`. Migrations are exempt.
   */
  databaseStatementTimeoutMs?: number;
  /** How WeChat and browsers reach the service; notification URLs are built from it. */
  publicUrl: string;
  /** Bearer token for `/api/admin/*`: the bootstrap owner, who creates the admin users. */
  adminToken: string;
  /**
   * The admin session cookie is `Secure` (and `__Host-`): on when `PUBLIC_URL` is https or
   * `NODE_ENV=production` (TLS ended by a proxy in front); off for the plain-HTTP demo.
   */
  secureCookies?: boolean;
  orderTtlMinutes: number;
  /** Longest a buyer waits for WeChat's prepay when creating an order, retries included (default 5 s). */
  prepayDeadlineMs?: number;
  /** Most durable jobs one instance runs at once (default 10). */
  jobConcurrency?: number;
  /**
   * `SHUTDOWN_DELAY_MS`: on SIGTERM, serve this long with readiness at 503 before closing the
   * listener, so a load balancer polling `/health/ready` stops sending traffic first (default 0).
   */
  shutdownDelayMs?: number;
  wechat: WechatCredentials;
  platform?: PlatformConfig;
  /** Demo mode (what `wxpay start` sets); absent for a real merchant. */
  demo?: DemoModeConfig;
  /** Trust `X-Forwarded-For` for the client IP sent to WeChat (behind a reverse proxy). */
  trustProxy?: boolean;
  /** pino logging (off in tests). */
  logger?: boolean;
  /** Rate limits and unverified-notification retention; what is left out takes the defaults. */
  limits?: Partial<AbuseLimits>;
  /** When set, `/metrics` needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Where order and refund events go (`WEBHOOK_URL`, `WEBHOOK_SECRET`, `WEBHOOK_EVENTS`). */
  webhooks?: WebhookEndpoint[];
  /** `MERCHANT_API_KEYS`: the merchant's own systems, which may order their own amounts. */
  merchantApiKeys?: MerchantApiKey[];
  /** Endpoints added from the admin: secrets at rest, plain-http URLs. */
  webhookStore?: WebhookStoreConfig;
  /** The daily reconciliation against WeChat's bills; on at 10:00 China time when absent. */
  reconciliation?: ReconciliationConfig;
  /** In-store payment codes: poll, deadline and store number; WeChat's timing when absent. */
  pos?: PosConfig;
}

/**
 * Reads and checks the service settings from the environment at start, so a missing key fails
 * with the variable's name instead of as a signature error on the first order. Key files are read
 * here once; their contents never appear in an error.
 */
export function loadServiceConfig(env: Env = process.env): ServiceConfig {
  const port = integer(env, 'PORT', 3000, 0, 65_535);
  // API v3 is configured by its key; then everything v3 signs and verifies with is required.
  const v3 = optional(env, 'WECHATPAY_APIV3_KEY') !== undefined;
  const privateKeyPath = v3 || optional(env, 'WECHATPAY_PRIVATE_KEY_PATH') !== undefined;
  const wechat: WechatCredentials = {
    mchid: required(env, 'WECHATPAY_MCHID'),
    appid: required(env, 'WECHATPAY_APPID'),
    apiKey: optional(env, 'WECHATPAY_API_KEY'),
    apiV3Key: optional(env, 'WECHATPAY_APIV3_KEY'),
    serialNo: v3 ? required(env, 'WECHATPAY_SERIAL_NO') : undefined,
    privateKeyPem: privateKeyPath ? pemFile(env, 'WECHATPAY_PRIVATE_KEY_PATH', 'PRIVATE KEY') : undefined,
    publicKeyId: v3 ? required(env, 'WECHATPAY_PUBLIC_KEY_ID') : undefined,
    publicKeyPem: v3 ? pemFile(env, 'WECHATPAY_PUBLIC_KEY_PATH', 'PUBLIC KEY') : undefined,
    certificatePem: optional(env, 'WECHATPAY_CERT_PATH')
      ? pemFile(env, 'WECHATPAY_CERT_PATH', 'CERTIFICATE')
      : undefined,
    baseUrl: optional(env, 'WECHATPAY_BASE_URL'),
    apiVersion: apiVersionOf(env, v3),
    miniProgramAppid: optional(env, 'WECHAT_MINIPROGRAM_APPID'),
    appAppid: optional(env, 'WECHATPAY_APP_APPID'),
  };
  const publicUrl = optional(env, 'PUBLIC_URL') ?? `http://127.0.0.1:${port}`;
  return validateServiceConfig({
    port,
    host: optional(env, 'HOST') ?? '127.0.0.1',
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    databaseStatementTimeoutMs: optionalInteger(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 0, 3_600_000),
    publicUrl,
    adminToken: required(env, 'ADMIN_TOKEN'),
    secureCookies: publicUrl.startsWith('https:') || env.NODE_ENV === 'production',
    orderTtlMinutes: integer(env, 'ORDER_TTL_MINUTES', 15, 5, 7 * 24 * 60),
    prepayDeadlineMs: integer(env, 'PREPAY_DEADLINE_MS', 5_000, 500, 60_000),
    jobConcurrency: integer(env, 'JOB_CONCURRENCY', 10, 1, 200),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', 0, 0, 60_000),
    wechat,
    platform: platformConfig(env, publicUrl, wechat),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    logger: env.LOG_LEVEL !== 'silent',
    limits: {
      orders: rateLimit(env, 'RATE_LIMIT_ORDERS'),
      authFailures: rateLimit(env, 'RATE_LIMIT_AUTH_FAILURES'),
      notifyFailures: rateLimit(env, 'RATE_LIMIT_NOTIFY_FAILURES'),
      unverifiedStored: rateLimit(env, 'RATE_LIMIT_UNVERIFIED_STORED'),
      unverifiedRetentionDays: integer(env, 'UNVERIFIED_NOTIFICATION_RETENTION_DAYS', 30, 1, 3650),
    },
    metricsToken: optional(env, 'METRICS_TOKEN'),
    webhooks: webhookEndpointsOf(env),
    merchantApiKeys: merchantApiKeysOf(env),
    webhookStore: webhookStoreConfigOf(env),
    reconciliation: reconciliationConfig(env),
    pos: posConfig(env),
  });
}

/** The webhook endpoint of the environment, if `WEBHOOK_URL` is set; its secret is then required. */
export function webhookEndpointsOf(env: Env): WebhookEndpoint[] {
  const url = optional(env, 'WEBHOOK_URL');
  if (url === undefined) {
    if (optional(env, 'WEBHOOK_SECRET') !== undefined || optional(env, 'WEBHOOK_EVENTS') !== undefined) {
      throw new ServiceConfigError('WEBHOOK_URL', 'is not set, but WEBHOOK_SECRET or WEBHOOK_EVENTS is');
    }
    return [];
  }
  const events = optional(env, 'WEBHOOK_EVENTS')
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = events?.find((name) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new ServiceConfigError(
      'WEBHOOK_EVENTS',
      `names ${unknown}; the events are ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    );
  }
  return [
    {
      id: 'env',
      url,
      secret: required(env, 'WEBHOOK_SECRET'),
      ...(events ? { events: events as WebhookEventType[] } : {}),
    },
  ];
}

/**
 * Checks a complete configuration (from env or built by the demo launcher): the keys each API
 * version needs are present and well-formed.
 */
export function validateServiceConfig(config: ServiceConfig): ServiceConfig {
  const { wechat } = config;
  if (!/^\d+$/.test(wechat.mchid)) throw new ServiceConfigError('WECHATPAY_MCHID', 'must be digits');
  if (!/^wx[0-9a-zA-Z]+$/.test(wechat.appid)) {
    throw new ServiceConfigError('WECHATPAY_APPID', 'must look like wx…');
  }
  if (wechat.apiKey === undefined && wechat.apiV3Key === undefined) {
    throw new ServiceConfigError(
      'WECHATPAY_API_KEY',
      'is not set (nor WECHATPAY_APIV3_KEY): configure API v2, v3 or both',
    );
  }
  if (wechat.apiKey !== undefined && wechat.apiKey.length !== 32) {
    throw new ServiceConfigError('WECHATPAY_API_KEY', 'must be 32 characters');
  }
  if (wechat.apiV3Key !== undefined) {
    if (Buffer.byteLength(wechat.apiV3Key) !== 32) {
      throw new ServiceConfigError('WECHATPAY_APIV3_KEY', 'must be 32 bytes');
    }
    if (!/^[0-9A-Fa-f]+$/.test(wechat.serialNo ?? '')) {
      throw new ServiceConfigError('WECHATPAY_SERIAL_NO', 'must be the hexadecimal certificate serial');
    }
    if (!wechat.privateKeyPem) throw new ServiceConfigError('WECHATPAY_PRIVATE_KEY_PATH', 'is not set');
    if (!wechat.publicKeyId?.startsWith('PUB_KEY_ID_')) {
      throw new ServiceConfigError('WECHATPAY_PUBLIC_KEY_ID', 'must start with PUB_KEY_ID_');
    }
    if (!wechat.publicKeyPem) throw new ServiceConfigError('WECHATPAY_PUBLIC_KEY_PATH', 'is not set');
  }
  const versionKey = {
    v2: { value: wechat.apiKey, name: 'WECHATPAY_API_KEY' },
    v3: { value: wechat.apiV3Key, name: 'WECHATPAY_APIV3_KEY' },
  }[wechat.apiVersion];
  if (versionKey.value === undefined) {
    throw new ServiceConfigError(
      'WECHATPAY_API_VERSION',
      `is ${wechat.apiVersion}, but ${versionKey.name} is not set`,
    );
  }
  if (wechat.baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(wechat.baseUrl)) {
    throw new ServiceConfigError('WECHATPAY_BASE_URL', 'must be an http(s):// URL');
  }
  if (!/^https?:\/\/[^\s/]+/.test(config.publicUrl)) {
    throw new ServiceConfigError('PUBLIC_URL', 'must be an http(s):// URL');
  }
  if (config.adminToken.length < 16) {
    throw new ServiceConfigError('ADMIN_TOKEN', 'must be at least 16 characters');
  }
  for (const endpoint of config.webhooks ?? []) {
    if (!/^https?:\/\/[^\s/]+/.test(endpoint.url))
      throw new ServiceConfigError('WEBHOOK_URL', 'must be an http(s):// URL');
    if (endpoint.secret.length < 24)
      throw new ServiceConfigError('WEBHOOK_SECRET', 'must be at least 24 characters');
  }
  validateMerchantApiKeys(config.merchantApiKeys);
  validateWebhookStore(config.webhookStore);
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) {
    throw new ServiceConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  }
  if (wechat.miniProgramAppid !== undefined && !/^wx[0-9a-zA-Z]+$/.test(wechat.miniProgramAppid)) {
    throw new ServiceConfigError('WECHAT_MINIPROGRAM_APPID', 'must look like wx…');
  }
  if (wechat.appAppid !== undefined && !/^wx[0-9a-zA-Z]+$/.test(wechat.appAppid)) {
    throw new ServiceConfigError('WECHATPAY_APP_APPID', 'must look like wx…');
  }
  if (config.platform) validatePlatform(config.platform, wechat);
  return { ...config, publicUrl: config.publicUrl.replace(/\/+$/, '') };
}

function platformConfig(env: Env, publicUrl: string, wechat: WechatCredentials): PlatformConfig | undefined {
  const appSecret = optional(env, 'WECHAT_APPSECRET');
  if (appSecret === undefined) {
    const stray = ['WECHAT_MINIPROGRAM_APPSECRET', 'SESSION_SECRET', 'JSSDK_DOMAINS'].find((n) =>
      optional(env, n),
    );
    if (stray) throw new ServiceConfigError('WECHAT_APPSECRET', `is not set, but ${stray} is`);
    return undefined;
  }
  const redisUrl = optional(env, 'REDIS_URL');
  const tokenCache = (optional(env, 'TOKEN_CACHE') ?? (redisUrl ? 'redis' : 'database')) as TokenCacheKind;
  const domains = optional(env, 'JSSDK_DOMAINS');
  return {
    appSecret,
    miniProgramSecret: wechat.miniProgramAppid ? required(env, 'WECHAT_MINIPROGRAM_APPSECRET') : undefined,
    apiBaseUrl: optional(env, 'WECHAT_API_BASE_URL') ?? 'https://api.weixin.qq.com',
    oauthBaseUrl: optional(env, 'WECHAT_OAUTH_BASE_URL') ?? 'https://open.weixin.qq.com',
    sessionSecret: required(env, 'SESSION_SECRET'),
    jssdkDomains: domains
      ? domains
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean)
      : [hostOf(publicUrl)],
    tokenCache,
    redisUrl,
  };
}

function validatePlatform(platform: PlatformConfig, wechat: WechatCredentials): void {
  if (platform.sessionSecret.length < 32) {
    throw new ServiceConfigError('SESSION_SECRET', 'must be at least 32 characters');
  }
  if (!['database', 'redis', 'memory'].includes(platform.tokenCache)) {
    throw new ServiceConfigError('TOKEN_CACHE', 'must be database, redis or memory');
  }
  if (platform.tokenCache === 'redis' && !platform.redisUrl) {
    throw new ServiceConfigError('REDIS_URL', 'is required when TOKEN_CACHE=redis');
  }
  if (wechat.miniProgramAppid && !platform.miniProgramSecret) {
    throw new ServiceConfigError('WECHAT_MINIPROGRAM_APPSECRET', 'is not set');
  }
  for (const [name, url] of [
    ['WECHAT_API_BASE_URL', platform.apiBaseUrl],
    ['WECHAT_OAUTH_BASE_URL', platform.oauthBaseUrl],
  ] as const) {
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new ServiceConfigError(name, 'must be an http(s):// URL');
  }
  if (
    platform.jssdkDomains.length === 0 ||
    platform.jssdkDomains.some((d) => !/^[a-z0-9.-]+(:\d+)?$/i.test(d))
  ) {
    throw new ServiceConfigError('JSSDK_DOMAINS', 'must be a comma-separated list of host names');
  }
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : url;
}

/** A random session secret for demo mode: sessions end when the demo stops. */
export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A random admin token for demo mode, printed once at start. */
export function generateAdminToken(): string {
  return randomBytes(18).toString('base64url');
}

/** `WECHATPAY_API_VERSION`, by default v3 when API v3 is configured, else v2. */
function apiVersionOf(env: Env, v3: boolean): ApiVersion {
  const value = optional(env, 'WECHATPAY_API_VERSION') ?? (v3 ? 'v3' : 'v2');
  if (value !== 'v2' && value !== 'v3')
    throw new ServiceConfigError('WECHATPAY_API_VERSION', 'must be v2 or v3');
  return value;
}
