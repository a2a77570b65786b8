import { safeEqual } from '@wechatpay-kit/sdk/crypto';
import type { SimApp } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import type {
  CredentialKind,
  IssuedCredential,
  PlatformCredentialStore,
} from './platform-credential-store.js';
import type { PlatformQuotaMeter } from './platform-quota-meter.js';
import { PLATFORM_ERRMSG, PlatformRefusal } from './platform-refusal.js';

/** Lifetime of access tokens, user tokens and tickets. */
export const TOKEN_LIFETIME_MS = 7200_000;
/**
 * How long WeChat keeps a replaced token working: "公众平台后台会保证在5分钟内，新老access_token都可用"
 * for `cgi-bin/token`, and the same five minutes for a `stable_token` renewed near its expiry.
 */
export const OVERLAP_MS = 300_000;

const KIND_LABEL: Record<CredentialKind, string> = {
  access_token: 'an access_token from cgi-bin/token',
  stable_token: 'an access_token from cgi-bin/stable_token',
  jsapi_ticket: 'a jsapi_ticket',
  wx_card_ticket: 'a wx_card ticket',
  sns_access_token: "a user's web-authorisation access_token",
  sns_refresh_token: 'a web-authorisation refresh_token',
};

export interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

/** The issuer finds an appid's secret and reads the clock. */
export type TokenIssuerDeps = Pick<SimContext, 'clock' | 'merchants'>;

/**
 * The app-level credentials of `api.weixin.qq.com`: the classic `cgi-bin/token` (each fetch replaces
 * the previous token, which keeps working for a five-minute overlap), the stable token (one per app,
 * handed out again until its last five minutes; `force_refresh` revokes at once, at most 20 a day and
 * 30 s apart), and JS-SDK tickets. Also the AppSecret and access_token checks every endpoint shares.
 */
export class PlatformTokenIssuer {
  readonly #ctx: TokenIssuerDeps;
  readonly #store: PlatformCredentialStore;
  readonly #meter: PlatformQuotaMeter;

  constructor(ctx: TokenIssuerDeps, store: PlatformCredentialStore, meter: PlatformQuotaMeter) {
    this.#ctx = ctx;
    this.#store = store;
    this.#meter = meter;
  }

  /** The app `appid` names, if `secret` is its AppSecret: 40013 / 40125 otherwise, never quoting the secret. */
  authenticate(appid: string, secret: string, kinds?: SimApp['kind'][]): SimApp {
    const found = this.#ctx.merchants.byAppid(appid);
    if (!found) {
      throw new PlatformRefusal(
        40013,
        `appid "${appid.slice(0, 40)}" is not an app of any simulated merchant`,
      );
    }
    const { merchant, app } = found;
    if (kinds && !kinds.includes(app.kind)) {
      throw new PlatformRefusal(
        40013,
        `${appid} is a ${app.kind}; this API takes a ${kinds.join(' or ')} appid`,
      );
    }
    if (!safeEqual(secret, app.secret)) {
      const other = merchant.apps.find((a) => a.appid !== appid && safeEqual(secret, a.secret));
      const mixUp = other
        ? `: that is the AppSecret of ${other.appid} (${other.kind})`
        : safeEqual(secret, merchant.apiKey) || safeEqual(secret, merchant.apiV3Key)
          ? ': that is a WeChat Pay API key of the merchant, not an AppSecret'
          : '';
      throw new PlatformRefusal(40125, `secret is not the AppSecret of ${appid}${mixUp}`);
    }
    return app;
  }

  /** `GET /cgi-bin/token`: a new token; the previous one works five more minutes, older ones stop now. */
  classicToken(appid: string): TokenAnswer {
    if (!this.#meter.take('day', 'token', appid, this.#meter.quota('token'))) {
      throw new PlatformRefusal(
        45009,
        `cgi-bin/token was called ${this.#meter.quota('token')} times today for ${appid}: cache the token instead of fetching it per call`,
        `${PLATFORM_ERRMSG[45009]}, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r`,
      );
    }
    const now = this.#ctx.clock.now();
    const [newest, ...older] = this.#store.live('access_token', appid);
    for (const token of older) this.#store.retire(token, now);
    if (newest) this.#store.retire(newest, now + OVERLAP_MS);
    const token = this.#store.issue('access_token', appid, TOKEN_LIFETIME_MS);
    return { access_token: token.value, expires_in: TOKEN_LIFETIME_MS / 1000 };
  }

  /** `POST /cgi-bin/stable_token`, separate from the classic token in every way. */
  stableToken(appid: string, forceRefresh: boolean): TokenAnswer {
    const quotas = this.#meter.settings().quotas;
    if (!this.#meter.take('minute', 'stable_token', appid, quotas.stableTokenPerMinute)) {
      throw new PlatformRefusal(
        45011,
        `more than ${quotas.stableTokenPerMinute} stable_token calls this minute for ${appid}`,
      );
    }
    if (!this.#meter.take('day', 'stable_token', appid, quotas.stableToken)) {
      throw new PlatformRefusal(
        45009,
        `stable_token was called ${quotas.stableToken} times today for ${appid}`,
      );
    }
    const now = this.#ctx.clock.now();
    const current = this.#store.current('stable_token', appid);
    if (forceRefresh) {
      const lastForced = this.#store.lastForcedAt(appid);
      // "连续使用该模式时，请保证调用时间隔至少为30s，否则不会刷新": too soon is answered, not refused.
      if (
        current &&
        lastForced !== undefined &&
        now - lastForced < quotas.forceRefreshIntervalSeconds * 1000
      ) {
        return this.#answer(current, now);
      }
      if (!this.#meter.take('day', 'force_refresh', appid, quotas.forceRefresh)) {
        throw new PlatformRefusal(
          45009,
          `force_refresh was used ${quotas.forceRefresh} times today for ${appid}; use force_refresh only when a token leaked`,
        );
      }
      for (const token of this.#store.live('stable_token', appid)) this.#store.retire(token, now);
      return this.#answer(this.#store.issue('stable_token', appid, TOKEN_LIFETIME_MS, { forced: true }), now);
    }
    if (current && current.expiresAt - now > OVERLAP_MS) return this.#answer(current, now);
    // In its last five minutes the token is renewed; the old one keeps working until it expires.
    if (current) this.#store.retire(current);
    return this.#answer(this.#store.issue('stable_token', appid, TOKEN_LIFETIME_MS), now);
  }

  /** `GET /cgi-bin/ticket/getticket`: a new ticket per call; earlier ones stay valid until they expire. */
  ticket(appid: string, type: 'jsapi' | 'wx_card'): { ticket: string; expires_in: number } {
    if (!this.#meter.take('day', 'getticket', appid, this.#meter.quota('getticket'))) {
      throw new PlatformRefusal(
        45009,
        `getticket was called ${this.#meter.quota('getticket')} times today for ${appid}: cache the ticket for its 7200 s`,
      );
    }
    const kind: CredentialKind = type === 'jsapi' ? 'jsapi_ticket' : 'wx_card_ticket';
    const previous = this.#store.current(kind, appid);
    if (previous) this.#store.retire(previous);
    const ticket = this.#store.issue(kind, appid, TOKEN_LIFETIME_MS);
    return { ticket: ticket.value, expires_in: TOKEN_LIFETIME_MS / 1000 };
  }

  /** Jsapi tickets of `appid` that still work: what a `wx.config` signature may be made with. */
  liveTickets(appid: string): string[] {
    return this.#store.live('jsapi_ticket', appid).map((t) => t.value);
  }

  /**
   * The credential behind an `access_token` parameter, or the refusal WeChat gives: 41001 missing,
   * 40001 unknown / replaced / of the wrong kind, 42001 expired.
   */
  requireToken(value: string | undefined, kinds: CredentialKind[]): IssuedCredential {
    if (!value) throw new PlatformRefusal(41001, 'pass access_token as a query parameter');
    const credential = this.#store.find(value);
    const state = this.#store.state(credential);
    if (!credential || state === 'unknown') {
      throw new PlatformRefusal(40001, 'the simulator never issued this access_token (or has forgotten it)');
    }
    if (!kinds.includes(credential.kind)) {
      throw new PlatformRefusal(
        40001,
        `this is ${KIND_LABEL[credential.kind]}; this API takes ${kinds.map((k) => KIND_LABEL[k]).join(' or ')}`,
      );
    }
    if (state === 'revoked') {
      const at = new Date(credential.revokedAt!).toISOString();
      throw new PlatformRefusal(
        40001,
        credential.kind === 'stable_token'
          ? `stable_token force_refresh replaced this token at ${at}`
          : `a newer access_token was fetched for ${credential.appid}, so this one stopped working at ${at} (the token replaced last works 5 more minutes, older ones stop at once). Share one token between all callers`,
      );
    }
    if (state === 'expired') {
      throw new PlatformRefusal(
        42001,
        `expired at ${new Date(credential.expiresAt).toISOString()} (simulated clock)`,
      );
    }
    return credential;
  }

  /** `now` is the instant the call began, so a token issued by it reports exactly 7200. */
  #answer(token: IssuedCredential, now: number): TokenAnswer {
    return { access_token: token.value, expires_in: Math.floor((token.expiresAt - now) / 1000) };
  }
}
