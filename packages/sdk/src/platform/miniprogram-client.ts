import { WechatPayFormatError } from '../errors.js';
import { requireSetting, requireText } from './input-checks.js';
import { PlatformClient } from './platform-client.js';

/**
 * The result of a mini-program login.
 *
 * `session_key` is the key the mini-program's encrypted user data (phone number, `wx.getUserInfo`
 * payloads) is decrypted with, and what WeChat checks their signatures against. It must never leave
 * the server: do not return it to the mini-program, put it in a JWT, or log it. Issue your own
 * session instead and keep `session_key` beside it on the server.
 */
export interface MiniProgramSession {
  openid: string;
  session_key: string;
  /** Present when the mini-program is bound to a WeChat Open Platform account. */
  unionid?: string;
}

export interface MiniProgramClientOptions {
  appid: string;
  /** The mini-program's AppSecret; stays private to this client and out of every error. */
  secret: string;
  client?: PlatformClient;
}

/**
 * Server side of mini-program login: the code from `wx.login()` becomes the user's openid. A
 * `js_code` is single-use, so the exchange is never retried automatically; 40029 (invalid code),
 * 45011 (too frequent), 40226 (high-risk user) and -1 (busy) all come as `WechatPlatformError`, and
 * the mini-program recovers by calling `wx.login()` again.
 */
export class MiniProgramClient {
  readonly appid: string;
  readonly #secret: string;
  readonly #client: PlatformClient;

  constructor(options: MiniProgramClientOptions) {
    this.appid = requireSetting(options.appid, 'appid');
    this.#secret = requireSetting(options.secret, 'secret');
    this.#client = options.client ?? new PlatformClient();
  }

  /** Exchanges a `wx.login()` code; see {@link MiniProgramSession} about keeping `session_key` secret. */
  async code2Session(jsCode: string): Promise<MiniProgramSession> {
    requireText(jsCode, 'jsCode');
    const answer = await this.#client.get<Partial<MiniProgramSession>>(
      '/sns/jscode2session',
      { appid: this.appid, secret: this.#secret, js_code: jsCode, grant_type: 'authorization_code' },
      { retry: false },
    );
    const { openid, session_key: sessionKey, unionid } = answer;
    if (typeof openid !== 'string' || openid === '' || typeof sessionKey !== 'string' || sessionKey === '') {
      throw new WechatPayFormatError('/sns/jscode2session: answer lacks openid or session_key');
    }
    return typeof unionid === 'string'
      ? { openid, session_key: sessionKey, unionid }
      : { openid, session_key: sessionKey };
  }
}
