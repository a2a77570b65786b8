import {
  AccessTokenProvider,
  buildJssdkConfig,
  JsapiTicketProvider,
  MiniProgramClient,
  OAuthClient,
  PlatformClient,
  type TokenCache,
  WechatPayError,
  WechatPlatformError,
} from '@wechatpay-kit/sdk';
import {
  DomainError,
  type DomainErrorCode,
  type JssdkPageSignature,
  type OAuthScope,
  type WechatIdentity,
  type WechatPlatform,
} from '../../domain/index.js';

export interface SdkWechatPlatformOptions {
  officialAccount: { appid: string; secret: string };
  miniProgram?: { appid: string; secret: string };
  /** `https://api.weixin.qq.com` unless pointed at the simulator. */
  apiBaseUrl: string;
  /** `https://open.weixin.qq.com` unless pointed at the simulator. */
  oauthBaseUrl: string;
  /** Shared by every instance of the service: see `token-cache-factory.ts`. */
  tokenCache: TokenCache;
  /** Clock (ms) of token lifetimes and `wx.config` timestamps — the simulator's in the demo. */
  now?: () => number;
}

/**
 * The WeChat platform on the SDK: one {@link PlatformClient} (pooled connections) for OAuth,
 * `jscode2session`, `stable_token` and `getticket`. The access_token and jsapi_ticket live in the
 * shared cache, refreshed by one caller at a time; the secrets and the mini-program `session_key`
 * never leave this object (the key is dropped at once: nothing here decrypts user data).
 */
export class SdkWechatPlatform implements WechatPlatform {
  readonly officialAccountAppid: string;
  readonly miniProgramAppid?: string;
  readonly tokens: AccessTokenProvider;
  readonly tickets: JsapiTicketProvider;
  readonly #client: PlatformClient;
  readonly #oauth: OAuthClient;
  readonly #miniProgram?: MiniProgramClient;
  readonly #now: () => number;

  constructor(options: SdkWechatPlatformOptions) {
    const { officialAccount, miniProgram } = options;
    this.#now = options.now ?? Date.now;
    this.#client = new PlatformClient({ baseUrl: options.apiBaseUrl });
    this.officialAccountAppid = officialAccount.appid;
    this.#oauth = new OAuthClient({
      ...officialAccount,
      client: this.#client,
      oauthBaseUrl: options.oauthBaseUrl,
    });
    if (miniProgram) {
      this.miniProgramAppid = miniProgram.appid;
      this.#miniProgram = new MiniProgramClient({ ...miniProgram, client: this.#client });
    }
    this.tokens = new AccessTokenProvider({
      ...officialAccount,
      cache: options.tokenCache,
      client: this.#client,
      useStableToken: true,
      now: this.#now,
    });
    this.tickets = new JsapiTicketProvider({
      tokenProvider: this.tokens,
      cache: options.tokenCache,
      now: this.#now,
    });
  }

  authorizeUrl(input: { redirectUri: string; scope: OAuthScope; state: string }): string {
    return this.#oauth.authorizeUrl(input);
  }

  async identifyByOAuthCode(code: string, scope: OAuthScope): Promise<WechatIdentity> {
    try {
      const token = await this.#oauth.exchangeCode(code);
      const identity: WechatIdentity = { appid: this.officialAccountAppid, openid: token.openid };
      if (scope !== 'snsapi_userinfo') return identity;
      const info = await this.#oauth.userInfo(token.access_token, token.openid);
      return { ...identity, nickname: info.nickname };
    } catch (error) {
      throw refusal('OAUTH_CODE_INVALID', 'WeChat refused the authorisation code', error);
    }
  }

  async identifyByLoginCode(code: string): Promise<WechatIdentity> {
    const client = this.#miniProgram;
    if (!client || !this.miniProgramAppid) {
      throw new DomainError(
        'PLATFORM_NOT_CONFIGURED',
        'no mini-program is configured (WECHAT_MINIPROGRAM_APPID)',
      );
    }
    try {
      const session = await client.code2Session(code);
      return { appid: this.miniProgramAppid, openid: session.openid };
    } catch (error) {
      throw refusal('LOGIN_CODE_INVALID', 'WeChat refused the wx.login code', error);
    }
  }

  async signJssdkPage(url: string): Promise<JssdkPageSignature> {
    try {
      const ticket = await this.tickets.getTicket();
      return buildJssdkConfig(this.officialAccountAppid, ticket, url, this.#now());
    } catch (error) {
      throw refusal('WECHAT_UNAVAILABLE', 'the jsapi_ticket could not be obtained', error);
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

/**
 * A platform refusal (errcode ≠ -1) is the caller's problem, with WeChat's errcode kept; anything else
 * — busy, network, an unreadable answer — is WeChat being unavailable. SDK messages never hold a secret.
 */
function refusal(code: DomainErrorCode, what: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof WechatPlatformError && error.errcode !== -1 && code !== 'WECHAT_UNAVAILABLE') {
    return new DomainError(code, `${what}: ${error.message}`, { wechatCode: String(error.errcode) });
  }
  const reason = error instanceof WechatPayError ? error.message : 'unexpected failure';
  const wechatCode = error instanceof WechatPlatformError ? String(error.errcode) : undefined;
  return new DomainError('WECHAT_UNAVAILABLE', `${what}: ${reason}`, wechatCode ? { wechatCode } : {});
}
