import { WechatPayFormatError, WechatPlatformError } from '../errors.js';
import { CredentialRefresher } from './credential-refresher.js';
import { requireSetting } from './input-checks.js';
import { PlatformClient } from './platform-client.js';
import { type CachedToken, MemoryTokenCache, type TokenCache } from './token-cache.js';

export interface AccessTokenProviderOptions {
  appid: string;
  /** The AppSecret. Kept private to the provider; never part of an error or a cache key. */
  secret: string;
  /** Share one cache between all processes of an app (see {@link TokenCache}); default in-memory. */
  cache?: TokenCache;
  /**
   * Use `POST /cgi-bin/stable_token` (default) rather than `GET /cgi-bin/token`. The stable token is
   * not invalidated when someone else fetches one, so a stray script or a second deployment cannot
   * knock this one out; `cgi-bin/token` remains for accounts that must stay on the classic token.
   */
  useStableToken?: boolean;
  /** Renew this long before expiry, default 300 s (WeChat's own overlap window). */
  refreshMarginSeconds?: number;
  client?: PlatformClient;
  /** Clock in epoch ms, injectable for tests and simulators. */
  now?: () => number;
  /** Cache key, default `wechat:stable_token:<appid>` or `wechat:access_token:<appid>`. */
  cacheKey?: string;
  /** Refresh-lock tuning, see {@link CredentialRefresher}. */
  lockTtlMs?: number;
  lockWaitMs?: number;
  pollIntervalMs?: number;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * Hands out the app's global `access_token`. It must be one token shared by every caller: fetching
 * with `cgi-bin/token` invalidates the previous token, and both endpoints have daily quotas. So the
 * token comes from the cache while it has more than the margin left, concurrent refreshes collapse
 * into one fetch, and a token WeChat rejects (40001/42001) is replaced once via {@link withAccessToken}.
 */
export class AccessTokenProvider {
  readonly appid: string;
  readonly useStableToken: boolean;
  readonly #secret: string;
  readonly #client: PlatformClient;
  readonly #now: () => number;
  readonly #refresher: CredentialRefresher;

  constructor(options: AccessTokenProviderOptions) {
    requireSetting(options.appid, 'appid');
    requireSetting(options.secret, 'secret');
    this.appid = options.appid;
    this.#secret = options.secret;
    this.useStableToken = options.useStableToken ?? true;
    this.#client = options.client ?? new PlatformClient();
    this.#now = options.now ?? Date.now;
    const kind = this.useStableToken ? 'stable_token' : 'access_token';
    this.#refresher = new CredentialRefresher({
      cache: options.cache ?? new MemoryTokenCache(),
      key: options.cacheKey ?? `wechat:${kind}:${options.appid}`,
      fetch: (rejected) => this.#fetch(rejected),
      refreshMarginMs: (options.refreshMarginSeconds ?? 300) * 1000,
      now: this.#now,
      lockTtlMs: options.lockTtlMs,
      lockWaitMs: options.lockWaitMs,
      pollIntervalMs: options.pollIntervalMs,
    });
  }

  /** The platform client this provider fetches with; reuse it for calls that need the token. */
  get client(): PlatformClient {
    return this.#client;
  }

  /** A token with more than the refresh margin left, from the cache when possible. */
  getToken(): Promise<string> {
    return this.#refresher.get();
  }

  /**
   * Reports that WeChat refused `token` (40001/42001). Only that exact token is dropped: if another
   * caller already stored a newer one, it stays.
   */
  async invalidate(token: string): Promise<void> {
    await this.#refresher.invalidate(token);
  }

  /**
   * Runs `fn` with a token; when WeChat answers that the token is invalid or expired, replaces it and
   * runs `fn` once more. Other processes may rotate the token at any moment (or an operator may reset
   * it), so every call that sends an `access_token` should go through here.
   */
  async withAccessToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    const token = await this.getToken();
    try {
      return await fn(token);
    } catch (err) {
      if (!(err instanceof WechatPlatformError && err.tokenInvalid)) throw err;
      await this.invalidate(token);
      return fn(await this.#refresher.get(token));
    }
  }

  async #fetch(rejected: string | undefined): Promise<CachedToken> {
    if (!this.useStableToken) {
      const answer = await this.#client.get<TokenAnswer>('/cgi-bin/token', {
        grant_type: 'client_credential',
        appid: this.appid,
        secret: this.#secret,
      });
      return this.#toCached(answer, '/cgi-bin/token');
    }
    const token = await this.#stableToken(false);
    // The ordinary mode hands back the live token; only when that is the very token WeChat refused
    // is a force refresh (limited to 20 a day, 30 s apart) worth spending.
    return token.value === rejected ? this.#stableToken(true) : token;
  }

  async #stableToken(forceRefresh: boolean): Promise<CachedToken> {
    const answer = await this.#client.post<TokenAnswer>(
      '/cgi-bin/stable_token',
      {
        grant_type: 'client_credential',
        appid: this.appid,
        secret: this.#secret,
        force_refresh: forceRefresh,
      },
      { retry: !forceRefresh },
    );
    return this.#toCached(answer, '/cgi-bin/stable_token');
  }

  #toCached(answer: TokenAnswer, path: string): CachedToken {
    const { access_token: value, expires_in: expiresIn } = answer;
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new WechatPayFormatError(`${path}: answer lacks access_token or expires_in`);
    }
    return { value, expiresAt: this.#now() + expiresIn * 1000 };
  }
}
