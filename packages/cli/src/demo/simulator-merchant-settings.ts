import {
  generateSessionSecret,
  type PlatformConfig,
  type TokenCacheKind,
  type WechatCredentials,
} from '@wechatpay-kit/service';
import type { SimMerchantConfig } from '@wechatpay-kit/simulator';

/** The service's WeChat settings for a simulated merchant: what a real merchant copies from its platform. */
export function simulatorCredentials(
  merchant: SimMerchantConfig,
  apiVersion: WechatCredentials['apiVersion'] = 'v3',
): WechatCredentials {
  return {
    mchid: merchant.mchid,
    appid: merchant.appid,
    apiKey: merchant.apiKey,
    apiV3Key: merchant.apiV3Key,
    serialNo: merchant.serialNo,
    privateKeyPem: merchant.privateKeyPem,
    publicKeyId: merchant.publicKeyId,
    publicKeyPem: merchant.publicKeyPem,
    certificatePem: merchant.certificatePem,
    baseUrl: merchant.baseUrl,
    apiVersion,
    miniProgramAppid: merchant.miniProgramAppid,
    appAppid: merchant.appAppid,
  };
}

/**
 * The platform settings of a simulated merchant: its AppSecrets, and the simulator standing in for
 * both `api.weixin.qq.com` and `open.weixin.qq.com`.
 */
export function simulatorPlatform(
  merchant: SimMerchantConfig,
  simulatorUrl: string,
  serviceHost: string,
  options: { tokenCache?: TokenCacheKind; redisUrl?: string; sessionSecret?: string } = {},
): PlatformConfig {
  return {
    appSecret: merchant.appSecret,
    miniProgramSecret: merchant.miniProgramSecret,
    apiBaseUrl: simulatorUrl,
    oauthBaseUrl: simulatorUrl,
    sessionSecret: options.sessionSecret ?? generateSessionSecret(),
    jssdkDomains: [serviceHost],
    tokenCache: options.tokenCache ?? (options.redisUrl ? 'redis' : 'database'),
    redisUrl: options.redisUrl,
  };
}
