import { DomainError, type OAuthScope, type WechatIdentity, type WechatPlatform } from '../domain/index.js';

/**
 * Turns a one-time code from WeChat into the buyer's identity: the web-authorisation code of a page
 * inside WeChat (official account) or the `wx.login()` code of the mini-program. Codes are
 * single-use and short-lived, so a refused code is the caller's to renew, never retried here.
 */
export class SignInWithWechat {
  readonly #platform: WechatPlatform;

  constructor(platform: WechatPlatform) {
    this.#platform = platform;
  }

  /** Where a browser inside WeChat is sent to sign in; the code comes back to `redirectUri`. */
  authorizeUrl(input: { redirectUri: string; scope: OAuthScope; state: string }): string {
    return this.#platform.authorizeUrl(input);
  }

  withOAuthCode(input: { code: string; scope: OAuthScope }): Promise<WechatIdentity> {
    return this.#platform.identifyByOAuthCode(checkCode(input.code, 'OAUTH_CODE_INVALID'), input.scope);
  }

  withLoginCode(input: { code: string }): Promise<WechatIdentity> {
    return this.#platform.identifyByLoginCode(checkCode(input.code, 'LOGIN_CODE_INVALID'));
  }
}

function checkCode(code: string, error: 'OAUTH_CODE_INVALID' | 'LOGIN_CODE_INVALID'): string {
  if (!/^[\w-]{1,128}$/.test(code)) throw new DomainError(error, 'the code is missing or malformed');
  return code;
}
