import { WechatPayFormatError, WechatPayValidationError } from '../errors.js';
import { requireHttpUrl, requireSetting, requireText } from './input-checks.js';
import { PlatformClient } from './platform-client.js';

export const OAUTH_BASE_URL = 'https://open.weixin.qq.com';

/** `snsapi_base`: silent, openid only. `snsapi_userinfo`: asks the user, allows {@link OAuthClient.userInfo}. */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

export interface AuthorizeUrlOptions {
  appid: string;
  /** Where WeChat sends the browser back with `?code=…&state=…`; its domain must be configured in WeChat. */
  redirectUri: string;
  scope: OAuthScope;
  /**
   * Echoed back on the redirect. Required here although WeChat allows omitting it: a state bound to
   * the user's session is what stops login CSRF. `[A-Za-z0-9]`, at most 128 characters.
   */
  state: string;
  /** Default `https://open.weixin.qq.com`; point it at a simulator. */
  baseUrl?: string;
}

/**
 * The address to send a browser inside WeChat to for web authorisation. WeChat is strict about this
 * URL — the parameters must come in this order and the `#wechat_redirect` suffix must be present, or
 * the page shows an error — so it is assembled by hand rather than with `URLSearchParams`.
 */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  const appid = requireText(options.appid, 'appid');
  const redirectUri = requireHttpUrl(options.redirectUri, 'redirectUri');
  if (options.scope !== 'snsapi_base' && options.scope !== 'snsapi_userinfo') {
    throw new WechatPayValidationError('scope', 'scope must be snsapi_base or snsapi_userinfo');
  }
  const state = options.state;
  if (typeof state !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(state)) {
    throw new WechatPayValidationError('state', 'state must be 1 to 128 characters of [A-Za-z0-9]');
  }
  const base = (options.baseUrl ?? OAUTH_BASE_URL).replace(/\/+$/, '');
  return (
    `${base}/connect/oauth2/authorize?appid=${encodeURIComponent(appid)}` +
    `&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code` +
    `&scope=${options.scope}&state=${state}#wechat_redirect`
  );
}

/** What `/sns/oauth2/access_token` returns. This access_token is the user's, not the app's global one. */
export interface OAuthAccessToken {
  access_token: string;
  /** Seconds (7200). */
  expires_in: number;
  /** Valid 30 days; renews `access_token` without asking the user again. */
  refresh_token: string;
  openid: string;
  scope: string;
  /** Present when the app is bound to a WeChat Open Platform account. */
  unionid?: string;
  /** 1 when the user is in the "snapshot page" mode and has not really authorised. */
  is_snapshotuser?: number;
}

/** What `/sns/userinfo` returns (`snsapi_userinfo` scope only). */
export interface OAuthUserInfo {
  openid: string;
  nickname: string;
  sex?: number;
  province?: string;
  city?: string;
  country?: string;
  headimgurl?: string;
  privilege?: string[];
  unionid?: string;
}

export interface OAuthClientOptions {
  appid: string;
  /** The AppSecret; stays private to this client and out of every error. */
  secret: string;
  client?: PlatformClient;
  /** Base of {@link OAuthClient.authorizeUrl}, default `https://open.weixin.qq.com`. */
  oauthBaseUrl?: string;
}

/**
 * Web authorisation for pages opened inside WeChat: where to send the browser, then turning the
 * returned `code` into the user's openid. A code is single-use and lives 5 minutes, so the exchange
 * is never retried automatically — a retry after a lost answer would only report the code as used.
 */
export class OAuthClient {
  readonly appid: string;
  readonly #secret: string;
  readonly #client: PlatformClient;
  readonly #oauthBaseUrl: string | undefined;

  constructor(options: OAuthClientOptions) {
    this.appid = requireSetting(options.appid, 'appid');
    this.#secret = requireSetting(options.secret, 'secret');
    this.#client = options.client ?? new PlatformClient();
    this.#oauthBaseUrl = options.oauthBaseUrl;
  }

  /** {@link authorizeUrl} for this app. */
  authorizeUrl(options: Omit<AuthorizeUrlOptions, 'appid' | 'baseUrl'>): string {
    return authorizeUrl({ ...options, appid: this.appid, baseUrl: this.#oauthBaseUrl });
  }

  /** Exchanges the `code` from the redirect; 40029 (invalid) and 40163 (used) come as WechatPlatformError. */
  async exchangeCode(code: string): Promise<OAuthAccessToken> {
    requireText(code, 'code');
    const answer = await this.#client.get<OAuthAccessToken>(
      '/sns/oauth2/access_token',
      { appid: this.appid, secret: this.#secret, code, grant_type: 'authorization_code' },
      { retry: false },
    );
    if (typeof answer.openid !== 'string' || typeof answer.access_token !== 'string') {
      throw new WechatPayFormatError('/sns/oauth2/access_token: answer lacks openid or access_token');
    }
    return answer;
  }

  /** The user's profile, with the user access_token from {@link exchangeCode}. */
  async userInfo(
    accessToken: string,
    openid: string,
    lang: 'zh_CN' | 'zh_TW' | 'en' = 'zh_CN',
  ): Promise<OAuthUserInfo> {
    requireText(accessToken, 'accessToken');
    requireText(openid, 'openid');
    const answer = await this.#client.get<OAuthUserInfo>('/sns/userinfo', {
      access_token: accessToken,
      openid,
      lang,
    });
    if (typeof answer.openid !== 'string') {
      throw new WechatPayFormatError('/sns/userinfo: answer lacks openid');
    }
    return answer;
  }
}
