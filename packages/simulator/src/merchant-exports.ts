import type { V2ClientOptions, V3ClientOptions } from '@wechatpay-kit/sdk';
import type { SimMerchantConfig } from './merchant-config.js';

/** The key files written next to `merchant.json`, by the names WeChat Pay's own downloads use. */
export const MERCHANT_KEY_FILES = {
  privateKey: 'apiclient_key.pem',
  certificate: 'apiclient_cert.pem',
  publicKey: 'pub_key.pem',
  platformCertificate: 'platform_cert.pem',
} as const;

/** What else is written there: the SDK clients' options and the payment service's environment. */
export const MERCHANT_EXPORT_FILES = {
  v3Options: 'v3-client-options.json',
  v2Options: 'v2-client-options.json',
  serviceEnv: 'service.env',
} as const;

/** The SDK clients' options as JSON: only the serialisable fields, PEMs inline. */
export interface MerchantClientOptions {
  v3: Pick<V3ClientOptions, 'mchid' | 'serialNo' | 'apiV3Key' | 'verification' | 'baseUrl'> & {
    privateKey: string;
  };
  v2: Pick<V2ClientOptions, 'appid' | 'mchid' | 'apiKey' | 'baseUrl'> & {
    tls: { cert: string; key: string };
  };
}

/**
 * The simulated merchant in the SDK's own option names, so a developer passes them through
 * unchanged — `new V3Client(JSON.parse(readFileSync('v3-client-options.json', 'utf8')))` — and
 * later swaps in the real merchant's values without renaming anything. A public-key-mode merchant
 * (the default, as for merchants created since late 2024) verifies with the WeChat Pay public key;
 * a certificate-mode one with the platform certificate, pinned.
 */
export function merchantClientOptions(config: SimMerchantConfig): MerchantClientOptions {
  const verification: V3ClientOptions['verification'] =
    config.v3SigningMode === 'public-key'
      ? { mode: 'public-key', publicKeyId: config.publicKeyId, publicKey: config.publicKeyPem }
      : { mode: 'certificates', pinned: [config.platformCertificatePem] };
  return {
    v3: {
      mchid: config.mchid,
      serialNo: config.serialNo,
      privateKey: config.privateKeyPem,
      apiV3Key: config.apiV3Key,
      verification,
      baseUrl: config.baseUrl,
    },
    v2: {
      appid: config.appid,
      mchid: config.mchid,
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      // The client certificate of v2's `/secapi` (refunds): the merchant API certificate and its key.
      tls: { cert: config.certificatePem, key: config.privateKeyPem },
    },
  };
}

/**
 * The payment service's environment for this merchant (`.env` syntax), with the key files by
 * absolute path: `set -a; . ./service.env; set +a` or any dotenv loader.
 */
export function merchantServiceEnv(config: SimMerchantConfig, keyFile: (name: string) => string): string {
  const vars: [string, string][] = [
    ['WECHATPAY_MCHID', config.mchid],
    ['WECHATPAY_APPID', config.appid],
    ['WECHATPAY_APP_APPID', config.appAppid],
    ['WECHATPAY_API_KEY', config.apiKey],
    ['WECHATPAY_APIV3_KEY', config.apiV3Key],
    ['WECHATPAY_SERIAL_NO', config.serialNo],
    ['WECHATPAY_PRIVATE_KEY_PATH', keyFile(MERCHANT_KEY_FILES.privateKey)],
    ['WECHATPAY_CERT_PATH', keyFile(MERCHANT_KEY_FILES.certificate)],
    ['WECHATPAY_PUBLIC_KEY_ID', config.publicKeyId],
    ['WECHATPAY_PUBLIC_KEY_PATH', keyFile(MERCHANT_KEY_FILES.publicKey)],
    ['WECHATPAY_BASE_URL', config.baseUrl],
    ['WECHAT_APPSECRET', config.appSecret],
    ['WECHAT_MINIPROGRAM_APPID', config.miniProgramAppid],
    ['WECHAT_MINIPROGRAM_APPSECRET', config.miniProgramSecret],
    ['WECHAT_API_BASE_URL', config.baseUrl],
    ['WECHAT_OAUTH_BASE_URL', config.baseUrl],
  ];
  const header = `# The simulated merchant ${config.mchid} (${config.name}) for the wechatpay-kit payment service.`;
  const own = [
    "# The service's own secrets are not the merchant's: set them yourself, e.g. with `openssl rand -hex 32`.",
    '# ADMIN_TOKEN=',
    '# SESSION_SECRET=',
  ];
  return `${[header, ...vars.map(([name, value]) => `${name}=${quoted(value)}`), ...own].join('\n')}\n`;
}

/** Double-quoted when it holds anything a shell or dotenv would read differently. */
function quoted(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}
