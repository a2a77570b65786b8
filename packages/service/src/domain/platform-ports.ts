import type { Order } from './order.js';

/** `snsapi_base`: silent, openid only. `snsapi_userinfo`: the user agrees, the nickname comes too. */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

/** Who a WeChat user is to this merchant: an openid is only meaningful together with its appid. */
export interface WechatIdentity {
  appid: string;
  openid: string;
  nickname?: string;
}

/** What `wx.config` needs for one page, apart from `jsApiList`. */
export interface JssdkPageSignature {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/**
 * The WeChat platform (official account and mini-program) as the use cases see it. Implementations
 * keep the AppSecrets, the shared access_token / jsapi_ticket and the mini-program `session_key`
 * to themselves: nothing here hands a credential back.
 */
export interface WechatPlatform {
  readonly officialAccountAppid: string;
  /** Undefined when no mini-program is configured. */
  readonly miniProgramAppid?: string;
  /** Where a browser inside WeChat is sent to sign in. */
  authorizeUrl(input: { redirectUri: string; scope: OAuthScope; state: string }): string;
  /** Throws `OAUTH_CODE_INVALID` for a used, expired or unknown code. */
  identifyByOAuthCode(code: string, scope: OAuthScope): Promise<WechatIdentity>;
  /** `wx.login()` code → identity; throws `LOGIN_CODE_INVALID`. */
  identifyByLoginCode(code: string): Promise<WechatIdentity>;
  /** Signs `url` (already without its fragment) with the cached jsapi_ticket. */
  signJssdkPage(url: string): Promise<JssdkPageSignature>;
}

/** Client-side pay parameters, passed to the buyer's WeChat exactly as given. */
export type PayParams = Record<string, string>;

/**
 * Signs what the buyer's WeChat needs to pay an order that has its prepay: JSAPI and mini-program
 * (`getBrandWCPayRequest` / `wx.requestPayment`), App (`PayReq`). Signed afresh on every call; the
 * signature is never stored, since it is only worth something together with the prepay.
 */
export interface PayParamsSigner {
  /** Undefined for orders the buyer pays otherwise (Native, H5) or that have no prepay yet. */
  sign(order: Order): PayParams | undefined;
}
