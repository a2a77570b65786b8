import { randomBytes } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { MiniProgramClient, WechatPlatformError } from '@wechatpay-kit/sdk';

interface Session {
  openid: string;
  /** Decrypts the mini-program's encrypted user data; never sent to the mini-program or logged. */
  sessionKey: string;
  expiresAt: number;
}

const SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/**
 * Mini-program login: the single-use code from `wx.login()` becomes the user's openid through
 * `jscode2session`, and the mini-program gets this shop's own opaque token for it. `session_key`
 * stays here, beside the token. In memory for the example; a real shop keeps sessions in Redis or
 * its database so every instance sees them.
 */
@Injectable()
export class SessionService {
  readonly #sessions = new Map<string, Session>();

  constructor(private readonly miniProgram: MiniProgramClient) {}

  async login(code: string): Promise<{ token: string; openid: string; expiresAt: string }> {
    let openid: string;
    let sessionKey: string;
    try {
      ({ openid, session_key: sessionKey } = await this.miniProgram.code2Session(code));
    } catch (error) {
      // 40029: the code was used already or is older than 5 minutes; the mini-program calls wx.login() again.
      if (error instanceof WechatPlatformError) {
        throw new UnauthorizedException({
          error: 'LOGIN_FAILED',
          message: `jscode2session ${error.errcode}`,
        });
      }
      throw error;
    }
    const token = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + SESSION_TTL_MS;
    this.#sessions.set(token, { openid, sessionKey, expiresAt });
    return { token, openid, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The openid behind a bearer token, or undefined when it is unknown or expired. */
  openidOf(token: string): string | undefined {
    const session = this.#sessions.get(token);
    if (!session) return undefined;
    if (Date.now() < session.expiresAt) return session.openid;
    this.#sessions.delete(token);
    return undefined;
  }
}
