import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type PayType, type WechatIdentity } from '../domain/index.js';
import type { PlatformHttpOptions } from './http-app-options.js';
import { SessionCodec } from './session-codec.js';

export const SESSION_COOKIE = 'wxsession';
export const STATE_COOKIE = 'wxoauth';
/** Web sessions and mini-program tokens last as long as WeChat's own user token (2 h). */
export const SESSION_TTL_MS = 2 * 60 * 60_000;
/** An OAuth round trip must finish within WeChat's code lifetime. */
const STATE_TTL_MS = 5 * 60_000;

/**
 * Who the buyer is, as far as this service is concerned: a signed cookie for pages inside WeChat,
 * a signed bearer token for the mini-program, and the short-lived cookie binding an OAuth `state`
 * to the browser that started the sign-in (the CSRF check of the callback).
 */
export class WechatSessions {
  readonly #codec: SessionCodec;
  readonly #secure: boolean;

  constructor(options: Pick<PlatformHttpOptions, 'sessionSecret' | 'publicUrl' | 'now'>) {
    this.#codec = new SessionCodec(options.sessionSecret, options.now);
    this.#secure = options.publicUrl.startsWith('https:');
  }

  startOAuth(reply: FastifyReply, state: { state: string; returnTo: string; scope: string }): void {
    const { token } = this.#codec.encode('oauth-state', state, STATE_TTL_MS);
    reply.header('Set-Cookie', this.#cookie(STATE_COOKIE, token, STATE_TTL_MS, '/wechat'));
  }

  /** The state this browser started, consumed: a replayed callback finds no state cookie. */
  finishOAuth(request: FastifyRequest, reply: FastifyReply, state: string | undefined) {
    const started = this.#codec.decode('oauth-state', cookiesOf(request)[STATE_COOKIE]);
    reply.header('Set-Cookie', this.#cookie(STATE_COOKIE, '', 0, '/wechat'));
    if (!started || !state || started.state !== state) {
      throw new DomainError(
        'OAUTH_STATE_INVALID',
        'the sign-in was not started from this browser, or took too long: start it again',
      );
    }
    return started;
  }

  openWebSession(reply: FastifyReply, identity: WechatIdentity): void {
    const { token } = this.#codec.encode('web', pick(identity), SESSION_TTL_MS);
    reply.header('Set-Cookie', this.#cookie(SESSION_COOKIE, token, SESSION_TTL_MS, '/'));
  }

  miniProgramToken(identity: WechatIdentity): { token: string; expiresAt: Date } {
    const { token, exp } = this.#codec.encode(
      'mp',
      { appid: identity.appid, openid: identity.openid },
      SESSION_TTL_MS,
    );
    return { token, expiresAt: new Date(exp) };
  }

  /** The web session; `undefined` without a cookie, `SESSION_INVALID` for a forged or expired one. */
  webSession(request: FastifyRequest): WechatIdentity | undefined {
    const raw = cookiesOf(request)[SESSION_COOKIE];
    if (raw === undefined || raw === '') return undefined;
    return identityOf(this.#codec.decode('web', raw), 'the WeChat session cookie');
  }

  /** The mini-program session from `Authorization: Bearer …`, same rules as {@link webSession}. */
  miniProgramSession(request: FastifyRequest): WechatIdentity | undefined {
    const header = request.headers.authorization;
    if (!header) return undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    return identityOf(this.#codec.decode('mp', token), 'the mini-program session token');
  }

  /**
   * The payer of a JSAPI / MINIPROGRAM order. The signed session decides; a body `openid` may only
   * repeat it (a different one is `OPENID_MISMATCH`, never an override). Without any session the
   * body's openid is taken as before — for a merchant backend that signed the buyer in itself.
   */
  payerOpenid(request: FastifyRequest, payType: PayType, bodyOpenid: string | undefined): string | undefined {
    const session =
      payType === 'JSAPI'
        ? this.webSession(request)
        : payType === 'MINIPROGRAM'
          ? this.miniProgramSession(request)
          : undefined;
    if (!session) return bodyOpenid;
    if (bodyOpenid !== undefined && bodyOpenid !== session.openid) {
      throw new DomainError('OPENID_MISMATCH', 'the openid in the body is not the signed-in user’s');
    }
    return session.openid;
  }

  #cookie(name: string, value: string, maxAgeMs: number, path: string): string {
    const parts = [
      `${name}=${value}`,
      `Path=${path}`,
      `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (this.#secure) parts.push('Secure');
    return parts.join('; ');
  }
}

function pick(identity: WechatIdentity): { appid: string; openid: string; nickname?: string } {
  const { appid, openid, nickname } = identity;
  return nickname === undefined ? { appid, openid } : { appid, openid, nickname };
}

function identityOf(payload: { appid: string; openid: string; nickname?: string } | undefined, what: string) {
  if (!payload) throw new DomainError('SESSION_INVALID', `${what} is invalid or has expired: sign in again`);
  return pick(payload);
}

/** The request's cookies (only the first value of each name counts). */
export function cookiesOf(request: FastifyRequest): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in cookies)) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}
