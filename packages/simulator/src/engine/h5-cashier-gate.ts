import { isPaidTradeState } from '@wechatpay-kit/sdk';
import { h5DomainsOf, type MerchantRegistry } from './merchant-registry.js';
import type { SimClock } from './sim-clock.js';
import type { MerchantRecord, TradeRecord } from './sim-records.js';
import type { TradeEngine } from './trade-engine.js';

/** An `mweb_url` / `h5_url` opens the cashier for this long after the order was made. */
export const H5_URL_LIFETIME_MS = 5 * 60_000;

export type H5RefusalCode =
  | 'PARAMETER_ERROR'
  | 'DOMAIN_NOT_CONFIGURED'
  | 'URL_EXPIRED'
  | 'INSIDE_WECHAT'
  | 'NETWORK_CHECK_FAILED'
  | 'ORDER_PAID'
  | 'ORDER_CLOSED';

/** What WeChat's H5 cashier shows instead of the pay sheet, with what was wrong in plain words. */
export class H5CashierRefusal extends Error {
  readonly code: H5RefusalCode;
  readonly hint: string;

  constructor(code: H5RefusalCode, message: string, hint: string) {
    super(message);
    this.name = 'H5CashierRefusal';
    this.code = code;
    this.hint = hint;
  }
}

/** The cashier URL as the browser opened it, and what the browser sent with it. */
export interface H5CashierVisit {
  prepayId?: string;
  package?: string;
  redirectUrl?: string;
  referer?: string;
  userAgent?: string;
  clientIp: string;
}

export interface H5CashierTicket {
  trade: TradeRecord;
  merchant: MerchantRecord;
  /** Where the browser goes once the payer paid or cancelled; absent = back to the opening page. */
  redirectUrl?: string;
}

const BAD_PARAMS = '商家参数格式有误，请联系商家解决';

/**
 * The checks WeChat makes when a mobile browser opens an H5 cashier URL, in WeChat's words (its H5
 * FAQ): a known MWEB prepay with its `package`; not inside WeChat's own browser; a `Referer` (no
 * Referer is WeChat's commonest H5 failure) whose host is one of the merchant's H5 pay domains or a
 * subdomain; a `redirect_url`, when given, an http(s) URL on those domains too; the URL younger than
 * 5 minutes; the browser on the IP the order was placed from; and the order still payable.
 */
export class H5CashierGate {
  readonly #trades: TradeEngine;
  readonly #merchants: MerchantRegistry;
  readonly #clock: SimClock;

  constructor(deps: { trades: TradeEngine; merchants: MerchantRegistry; clock: SimClock }) {
    this.#trades = deps.trades;
    this.#merchants = deps.merchants;
    this.#clock = deps.clock;
  }

  admit(visit: H5CashierVisit): H5CashierTicket {
    const trade = visit.prepayId ? this.#trades.lookup(visit.prepayId) : undefined;
    const merchant = trade && this.#merchants.get(trade.mchid);
    if (!trade || !merchant || trade.prepayId !== visit.prepayId || trade.tradeType !== 'MWEB') {
      throw new H5CashierRefusal(
        'PARAMETER_ERROR',
        BAD_PARAMS,
        `no H5 (MWEB) order has prepay_id ${visit.prepayId ?? '(none)'}`,
      );
    }
    if (visit.package !== trade.h5Package) {
      throw new H5CashierRefusal(
        'PARAMETER_ERROR',
        BAD_PARAMS,
        'package is not the one of this h5_url: open the URL exactly as WeChat returned it',
      );
    }
    if (visit.userAgent?.includes('MicroMessenger')) {
      throw new H5CashierRefusal(
        'INSIDE_WECHAT',
        '请在微信外打开订单，进行支付',
        'H5 pay is for browsers other than WeChat; inside WeChat use JSAPI',
      );
    }
    const domains = h5DomainsOf(merchant);
    const from = hostOf(visit.referer);
    if (from === undefined) {
      throw new H5CashierRefusal(
        'PARAMETER_ERROR',
        BAD_PARAMS,
        'the request has no Referer: open the h5_url from a page of your H5 domain (a link or location.href), not by typing it',
      );
    }
    if (!onDomains(from, domains)) {
      throw new H5CashierRefusal(
        'DOMAIN_NOT_CONFIGURED',
        '商家存在未配置的参数，请联系商家解决',
        `the Referer's host ${from} is not an H5 pay domain of merchant ${merchant.mchid} (${domains.join(', ')})`,
      );
    }
    if (visit.redirectUrl !== undefined) {
      const to = /^https?:\/\//i.test(visit.redirectUrl) ? hostOf(visit.redirectUrl) : undefined;
      if (to === undefined || !onDomains(to, domains)) {
        throw new H5CashierRefusal(
          'PARAMETER_ERROR',
          BAD_PARAMS,
          `redirect_url must be an http(s) URL on an H5 pay domain (${domains.join(', ')}), URL-encoded`,
        );
      }
    }
    if (this.#clock.now() >= trade.createdAt + H5_URL_LIFETIME_MS) {
      throw new H5CashierRefusal(
        'URL_EXPIRED',
        '支付请求已失效，请重新发起支付',
        'an h5_url opens the cashier for 5 minutes after the order was placed',
      );
    }
    if (trade.clientIp && !sameAddress(trade.clientIp, visit.clientIp)) {
      throw new H5CashierRefusal(
        'NETWORK_CHECK_FAILED',
        '网络环境未能通过安全验证，请稍后再试',
        `the order was placed for ${trade.clientIp} (spbill_create_ip / payer_client_ip), the browser is at ${visit.clientIp}`,
      );
    }
    const state = this.#trades.find(trade.mchid, { outTradeNo: trade.outTradeNo })?.state;
    if (state !== undefined && isPaidTradeState(state)) {
      throw new H5CashierRefusal('ORDER_PAID', '该订单已支付，请勿重复支付', 'this order is paid already');
    }
    if (state === 'CLOSED' || state === 'REVOKED' || this.#clock.now() >= trade.expiresAt) {
      throw new H5CashierRefusal(
        'ORDER_CLOSED',
        '该订单已关闭，请重新下单',
        'this order is closed or past its time_expire',
      );
    }
    return { trade, merchant, redirectUrl: visit.redirectUrl };
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return new URL(url).hostname.toLowerCase() || undefined;
}

function onDomains(host: string, domains: readonly string[]): boolean {
  return domains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** The same address, whatever the notation (`::ffff:` IPv4-mapped), and any loopback is the same machine. */
function sameAddress(a: string, b: string): boolean {
  const plain = (ip: string) => ip.replace(/^::ffff:/i, '').toLowerCase();
  const [x, y] = [plain(a), plain(b)];
  return x === y || (LOOPBACK.test(x) && LOOPBACK.test(y));
}
