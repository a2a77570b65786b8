import { rsaVerify, safeEqual, signedMessage, v2Sign } from '@wechatpay-kit/sdk/crypto';
import type { MerchantRegistry } from './merchant-registry.js';
import {
  APP_KIND_NAMES,
  assertPayable,
  PayRequestError,
  type VerifiedPayRequest,
} from './pay-request-verifier.js';
import type { SimClock } from './sim-clock.js';
import type { TradeRecord } from './sim-records.js';
import type { TradeEngine } from './trade-engine.js';
import type { UserDirectory } from './user-directory.js';

/** What the merchant's App passes to the WeChat SDK (`PayReq`), named as the SDK names them. */
export interface AppPayRequest {
  appid?: string;
  partnerid?: string;
  prepayid?: string;
  package?: string;
  noncestr?: string;
  timestamp?: string;
  sign?: string;
  /** The simulated user holding the phone (an App order is made for nobody in particular). */
  user?: string;
}

const REQUIRED = ['appid', 'partnerid', 'prepayid', 'package', 'noncestr', 'timestamp', 'sign'] as const;
type AppPayParams = Required<Pick<AppPayRequest, (typeof REQUIRED)[number]>>;

/**
 * What WeChat's App SDK checks before it opens the pay sheet: the appid must be an App (open
 * platform mobile app) bound to the merchant — the SDK is registered under it, so an official
 * account's or a mini-program's appid cannot even open WeChat — and the order's own appid; then
 * `partnerid`, `package=Sign=WXPay`, and `sign`: v2 over the six fields with the API key in the
 * order's sign type, v3 SHA256withRSA over `appid\ntimestamp\nnoncestr\nprepayid\n`.
 */
export class AppPayRequestVerifier {
  readonly #trades: TradeEngine;
  readonly #merchants: MerchantRegistry;
  readonly #users: UserDirectory;
  readonly #clock: SimClock;

  constructor(deps: {
    trades: TradeEngine;
    merchants: MerchantRegistry;
    users: UserDirectory;
    clock: SimClock;
  }) {
    this.#trades = deps.trades;
    this.#merchants = deps.merchants;
    this.#users = deps.users;
    this.#clock = deps.clock;
  }

  verify(request: AppPayRequest): VerifiedPayRequest {
    const params = readParams(request);
    const trade = this.#trades.lookup(params.prepayid);
    const merchant = trade?.prepayId === params.prepayid ? this.#merchants.get(trade.mchid) : undefined;
    if (!trade || !merchant) {
      throw new PayRequestError('PREPAY_NOT_FOUND', `prepayid 不存在：${params.prepayid}`);
    }
    const app = merchant.apps.find((a) => a.appid === params.appid);
    if (app?.kind !== 'app') {
      const what = app
        ? `是${APP_KIND_NAMES[app.kind]}，不是移动应用`
        : `不是商户 ${merchant.mchid} 的移动应用`;
      throw new PayRequestError(
        'APPID_MISMATCH',
        `appid ${params.appid} ${what}：App 支付须使用开放平台移动应用的 AppID（WeChat SDK 以它注册）`,
      );
    }
    if (trade.tradeType !== 'APP') {
      throw new PayRequestError(
        'NOT_APP_ORDER',
        `该订单的 trade_type 是 ${trade.tradeType}，不能在 App 中调起支付`,
      );
    }
    if (params.appid !== trade.appid) {
      throw new PayRequestError(
        'APPID_MISMATCH',
        `appid 与下单时的 appid 不一致：该 prepayid 属于 ${trade.appid}，请求的是 ${params.appid}`,
      );
    }
    if (params.partnerid !== trade.mchid) {
      throw new PayRequestError('PARTNER_MISMATCH', `partnerid 应为下单商户号 ${trade.mchid}`);
    }
    if (params.package !== 'Sign=WXPay') {
      throw new PayRequestError('INVALID_PARAMETER', 'package 应为固定值 Sign=WXPay');
    }
    this.#checkSign(trade, params, merchant.apiKey);
    assertPayable(trade, this.#clock.now());
    const payer = request.user ?? 'alice';
    if (!this.#users.get(payer)) throw new PayRequestError('PAYER_UNKNOWN', `没有模拟用户 ${payer}`);
    return { trade, merchantName: merchant.name, payerUserId: payer };
  }

  #checkSign(trade: TradeRecord, params: AppPayParams, apiKey: string): void {
    const { sign, ...signed } = params;
    if (trade.apiVersion === 'v3') {
      const message = signedMessage(signed.appid, signed.timestamp, signed.noncestr, signed.prepayid);
      if (!rsaVerify(this.#merchants.keys(trade.mchid).merchantPublicKey, message, sign)) {
        throw new PayRequestError(
          'SIGN_ERROR',
          '支付验证签名失败：sign 应为商户私钥对 "appid\\ntimestamp\\nnoncestr\\nprepayid\\n" 的 SHA256withRSA 签名',
        );
      }
      return;
    }
    const signType = trade.signType ?? 'MD5';
    if (!safeEqual(v2Sign(signed, apiKey, signType), sign)) {
      throw new PayRequestError(
        'SIGN_ERROR',
        `支付验证签名失败：sign 应为 API 密钥对 appid、noncestr、package、partnerid、prepayid、timestamp 的 ${signType} 签名`,
      );
    }
  }
}

/** Every parameter present (the first missing one named), `timestamp` in seconds. */
function readParams(request: AppPayRequest): AppPayParams {
  for (const name of REQUIRED) {
    const value = request[name];
    if (value === undefined || value === '') {
      throw new PayRequestError('MISSING_PARAMETER', `App 支付缺少参数：${name}`);
    }
  }
  const params = Object.fromEntries(REQUIRED.map((name) => [name, request[name]])) as AppPayParams;
  if (!/^\d{1,12}$/.test(params.timestamp)) {
    throw new PayRequestError('INVALID_PARAMETER', 'timestamp 必须是以秒为单位的时间戳字符串');
  }
  return params;
}
