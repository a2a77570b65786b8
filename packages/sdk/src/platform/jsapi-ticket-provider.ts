import { WechatPayFormatError } from '../errors.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { CredentialRefresher } from './credential-refresher.js';
import { requireHttpUrl } from './input-checks.js';
import { buildJssdkConfig, type JssdkConfig } from './jssdk-signature.js';
import type { PlatformClient } from './platform-client.js';
import { MemoryTokenCache, type TokenCache } from './token-cache.js';

export interface JsapiTicketProviderOptions {
  /** Supplies (and on 40001/42001 replaces) the access_token the ticket is fetched with. */
  tokenProvider: AccessTokenProvider;
  /** Share it between processes like the token cache; default in-memory. */
  cache?: TokenCache;
  /** Default: the token provider's client. */
  client?: PlatformClient;
  /** Renew this long before expiry, default 300 s. */
  refreshMarginSeconds?: number;
  /** Clock in epoch ms; also the source of `wx.config` timestamps. */
  now?: () => number;
  /** Cache key, default `wechat:jsapi_ticket:<appid>`. */
  cacheKey?: string;
  lockTtlMs?: number;
  lockWaitMs?: number;
  pollIntervalMs?: number;
}

/** `wx.config` parameters, ready to hand to the page. */
export interface JssdkPageConfig extends JssdkConfig {
  jsApiList: string[];
}

interface TicketAnswer {
  ticket?: unknown;
  expires_in?: unknown;
}

/**
 * Holds the app's `jsapi_ticket` and signs `wx.config` with it. `getticket` has a small daily quota,
 * so the ticket is fetched once per lifetime (less a margin) and shared like the access token;
 * signing a page then costs one SHA-1 and no network call.
 */
export class JsapiTicketProvider {
  readonly appid: string;
  readonly #tokens: AccessTokenProvider;
  readonly #client: PlatformClient;
  readonly #now: () => number;
  readonly #refresher: CredentialRefresher;

  constructor(options: JsapiTicketProviderOptions) {
    this.#tokens = options.tokenProvider;
    this.appid = options.tokenProvider.appid;
    this.#client = options.client ?? options.tokenProvider.client;
    this.#now = options.now ?? Date.now;
    this.#refresher = new CredentialRefresher({
      cache: options.cache ?? new MemoryTokenCache(),
      key: options.cacheKey ?? `wechat:jsapi_ticket:${this.appid}`,
      fetch: () => this.#fetch(),
      refreshMarginMs: (options.refreshMarginSeconds ?? 300) * 1000,
      now: this.#now,
      lockTtlMs: options.lockTtlMs,
      lockWaitMs: options.lockWaitMs,
      pollIntervalMs: options.pollIntervalMs,
    });
  }

  /** A ticket with more than the margin left, from the cache when possible. */
  getTicket(): Promise<string> {
    return this.#refresher.get();
  }

  /** Drops `ticket` (and only that ticket) from the cache, e.g. after pages report signature failures. */
  async invalidate(ticket: string): Promise<void> {
    await this.#refresher.invalidate(ticket);
  }

  /**
   * `wx.config` parameters for the page at `url` — the full address the browser shows, `#fragment`
   * allowed (it is not signed). The URL is signed exactly as given, so pass `location.href`, not a
   * rebuilt one. Throws `WechatPayValidationError` for anything but an absolute http(s) URL.
   */
  async jssdkConfig(url: string, jsApiList: readonly string[] = []): Promise<JssdkPageConfig> {
    requireHttpUrl(url, 'url');
    const ticket = await this.getTicket();
    return { ...buildJssdkConfig(this.appid, ticket, url, this.#now()), jsApiList: [...jsApiList] };
  }

  async #fetch() {
    const answer = await this.#tokens.withAccessToken((token) =>
      this.#client.get<TicketAnswer>('/cgi-bin/ticket/getticket', { access_token: token, type: 'jsapi' }),
    );
    const { ticket, expires_in: expiresIn } = answer;
    if (typeof ticket !== 'string' || ticket === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new WechatPayFormatError('/cgi-bin/ticket/getticket: answer lacks ticket or expires_in');
    }
    return { value: ticket, expiresAt: this.#now() + expiresIn * 1000 };
  }
}
