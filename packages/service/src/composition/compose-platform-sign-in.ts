import type { Database } from '../adapters/persistence/index.js';
import { openTokenCache, SdkWechatPlatform } from '../adapters/platform/index.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { Clock } from '../domain/index.js';
import type { PlatformHttpOptions } from '../http/http-app-options.js';
import { SignInWithWechat, SignJssdkConfig } from '../use-cases/index.js';

export interface ComposedPlatform {
  http: PlatformHttpOptions;
  platform: SdkWechatPlatform;
  close(): Promise<void>;
}

export interface PlatformCompositionOptions {
  /** Redis key prefix (tests isolate themselves with one). */
  redisPrefix?: string;
}

/**
 * The WeChat platform part of the composition root: the shared token cache, the SDK adapter and the
 * use cases behind the platform routes. Undefined when the service has no platform settings.
 */
export function composePlatform(
  config: ServiceConfig,
  database: Database,
  clock: Clock,
  options: PlatformCompositionOptions = {},
): ComposedPlatform | undefined {
  const settings = config.platform;
  if (!settings) return undefined;
  const now = () => clock.now().getTime();
  const tokenCache = openTokenCache({
    kind: settings.tokenCache,
    redisUrl: settings.redisUrl,
    redisPrefix: options.redisPrefix,
    db: database.db,
    now,
  });
  const miniProgramAppid = config.wechat.miniProgramAppid;
  const platform = new SdkWechatPlatform({
    officialAccount: { appid: config.wechat.appid, secret: settings.appSecret },
    miniProgram:
      miniProgramAppid && settings.miniProgramSecret
        ? { appid: miniProgramAppid, secret: settings.miniProgramSecret }
        : undefined,
    apiBaseUrl: settings.apiBaseUrl,
    oauthBaseUrl: settings.oauthBaseUrl,
    tokenCache: tokenCache.cache,
    now,
  });
  return {
    platform,
    http: {
      sessionSecret: settings.sessionSecret,
      publicUrl: config.publicUrl,
      now,
      useCases: {
        signInWithWechat: new SignInWithWechat(platform),
        signJssdkConfig: new SignJssdkConfig(platform, { allowedHosts: settings.jssdkDomains }),
      },
    },
    async close() {
      await platform.close();
      await tokenCache.close();
    },
  };
}
