import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServiceConfig, ServiceConfigError } from '../../src/config/service-config.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-platform-config-'));
const keyPath = join(dir, 'apiclient_key.pem');
const pubPath = join(dir, 'pub_key.pem');
writeFileSync(keyPath, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
writeFileSync(pubPath, '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n');

const APP_SECRET = 'a'.repeat(32);
const SESSION_SECRET = 'session-secret-of-at-least-32-chars!';
const merchant: Record<string, string> = {
  WECHATPAY_MCHID: '1900000109',
  WECHATPAY_APPID: 'wxd678efh567hg6787',
  WECHATPAY_API_KEY: 'S'.repeat(32),
  WECHATPAY_APIV3_KEY: 'T'.repeat(32),
  WECHATPAY_SERIAL_NO: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY_PATH: keyPath,
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025',
  WECHATPAY_PUBLIC_KEY_PATH: pubPath,
  ADMIN_TOKEN: 'a-long-enough-admin-token',
  PUBLIC_URL: 'https://shop.example.com',
};
const platform = { ...merchant, WECHAT_APPSECRET: APP_SECRET, SESSION_SECRET };

function refusal(env: Record<string, string | undefined>): ServiceConfigError {
  try {
    loadServiceConfig(env);
  } catch (error) {
    if (error instanceof ServiceConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('WeChat platform settings', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are optional as a group', () => {
    expect(loadServiceConfig(merchant).platform).toBeUndefined();
  });

  it('default to WeChat’s hosts, the public URL’s host for the JS-SDK and the database cache', () => {
    expect(loadServiceConfig(platform).platform).toEqual({
      appSecret: APP_SECRET,
      miniProgramSecret: undefined,
      apiBaseUrl: 'https://api.weixin.qq.com',
      oauthBaseUrl: 'https://open.weixin.qq.com',
      sessionSecret: SESSION_SECRET,
      jssdkDomains: ['shop.example.com'],
      tokenCache: 'database',
      redisUrl: undefined,
    });
  });

  it('take the mini-program, domains and Redis when given; REDIS_URL alone picks the Redis cache', () => {
    const config = loadServiceConfig({
      ...platform,
      WECHAT_MINIPROGRAM_APPID: 'wx1234567890abcdef',
      WECHAT_MINIPROGRAM_APPSECRET: 'm'.repeat(32),
      JSSDK_DOMAINS: 'shop.example.com, m.example.com',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.wechat.miniProgramAppid).toBe('wx1234567890abcdef');
    expect(config.platform).toMatchObject({
      miniProgramSecret: 'm'.repeat(32),
      jssdkDomains: ['shop.example.com', 'm.example.com'],
      tokenCache: 'redis',
      redisUrl: 'redis://cache:6379',
    });
  });

  it('are refused with the variable named and no value repeated', () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ ...platform, SESSION_SECRET: 'too-short' }, 'SESSION_SECRET'],
      [{ ...platform, SESSION_SECRET: undefined }, 'SESSION_SECRET'],
      [{ ...platform, TOKEN_CACHE: 'disk' }, 'TOKEN_CACHE'],
      [{ ...platform, TOKEN_CACHE: 'redis' }, 'REDIS_URL'],
      [{ ...platform, WECHAT_MINIPROGRAM_APPID: 'wx1234567890abcdef' }, 'WECHAT_MINIPROGRAM_APPSECRET'],
      [{ ...platform, WECHAT_API_BASE_URL: 'api.weixin.qq.com' }, 'WECHAT_API_BASE_URL'],
      [{ ...platform, JSSDK_DOMAINS: 'https://shop.example.com/' }, 'JSSDK_DOMAINS'],
      [{ ...merchant, SESSION_SECRET }, 'WECHAT_APPSECRET'],
    ];
    for (const [env, variable] of cases) {
      const error = refusal(env);
      expect(error.variable).toBe(variable);
      expect(error.message).not.toContain(APP_SECRET);
      expect(error.message).not.toContain(SESSION_SECRET);
    }
  });
});
