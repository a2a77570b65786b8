import { DomainError, type JssdkPageSignature, type WechatPlatform } from '../domain/index.js';

export interface SignJssdkConfigOptions {
  /** Hosts (`shop.example.com`, or with a port) whose pages may be signed. */
  allowedHosts: readonly string[];
}

/**
 * `wx.config` parameters for one page of ours. Only pages on the configured domains are signed — a
 * signature is a capability of the official account, and handing it out for any URL would let other
 * sites call the JS-SDK as us. The `#fragment` is cut before signing, as WeChat's browser does.
 */
export class SignJssdkConfig {
  readonly #platform: WechatPlatform;
  readonly #allowed: Set<string>;

  constructor(platform: WechatPlatform, options: SignJssdkConfigOptions) {
    this.#platform = platform;
    this.#allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  }

  async execute(input: { url: string }): Promise<JssdkPageSignature> {
    const page = input.url.split('#', 1)[0] ?? '';
    if (!/^https?:\/\/[^/?#\s]/i.test(page) || /\s/.test(page) || !URL.canParse(page)) {
      throw new DomainError('URL_NOT_ALLOWED', 'url must be the absolute http(s) address of the page');
    }
    const { host, hostname } = new URL(page);
    if (!this.#allowed.has(host.toLowerCase()) && !this.#allowed.has(hostname.toLowerCase())) {
      throw new DomainError(
        'URL_NOT_ALLOWED',
        `pages on ${hostname} are not among the JS-SDK domains (JSSDK_DOMAINS)`,
      );
    }
    return this.#platform.signJssdkPage(page);
  }
}
