import { isPaidTradeState, type V2SignType } from '@wechatpay-kit/sdk';
import { rsaVerify, safeEqual, signedMessage, v2Sign } from '@wechatpay-kit/sdk/crypto';
import {
  APP_KIND_NAMES,
  type AppPayRequest,
  checkAppOrder,
  readAppPayParams,
} from './app-pay-request-checks.js';
import type { MerchantRegistry } from './merchant-registry.js';
import { PayRequestError } from './pay-request-error.js';
import type { SimClock } from './sim-clock.js';
import type { MerchantRecord, SimApp, TradeRecord } from './sim-records.js';
import type { TradeEngine } from './trade-engine.js';
import { PREPAY_LIFETIME_MS } from './trade-engine.js';
import type { UserDirectory } from './user-directory.js';

/**
 * Where the pay sheet was opened: `jsapi` is `WeixinJSBridge.invoke('getBrandWCPayRequest')` in
 * WeChat's browser (the page passes `appId`, an official account); `miniprogram` is
 * `wx.requestPayment()`, which passes no appId — WeChat signs with the running mini-program's.
 */
export type PayRequestKind = 'jsapi' | 'miniprogram';

/** The client pay parameters exactly as the page or mini-program hands them to WeChat. */
export interface PayRequest {
  kind: PayRequestKind;
  /** JSAPI: required. Mini-program: the running mini-program's appid; the prepay's when absent. */
  appId?: string;
  timeStamp?: string;
  nonceStr?: string;
  package?: string;
  signType?: string;
  paySign?: string;
}

/** What the pay sheet shows once the parameters passed WeChat's checks. */
export interface VerifiedPayRequest {
  trade: TradeRecord;
  merchantName: string;
  /** The simulated user the prepay was created for: the one paying. */
  payerUserId: string;
}

const REQUIRED = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;
const V2_SIGN_TYPES: readonly string[] = ['MD5', 'HMAC-SHA256'];
const PACKAGE = /^prepay_id=(\S+)$/;

/**
 * What WeChat's client checks before it shows the pay sheet. JSAPI / mini-program pay: every
 * parameter present, the prepay known, alive and unpaid, the appid the one the order was placed
 * under, and `paySign` right for the order's API version — v2 `MD5`/`HMAC-SHA256` with the API key
 * over `appId, nonceStr, package, signType, timeStamp`; v3 `RSA` (SHA256withRSA) over
 * `appId\ntimeStamp\nnonceStr\npackage\n` checked with the merchant's API certificate. App pay
 * ({@link checkAppOrder}): `sign` v2 over the six fields with the API key in the order's sign type,
 * v3 SHA256withRSA over `appid\ntimestamp\nnoncestr\nprepayid\n`. One class for both, as one
 * WeChat client does both: the prepay lookup, the signature checks and payability are shared.
 */
export class PayRequestVerifier {
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

  verify(request: PayRequest | AppPayRequest): VerifiedPayRequest {
    if (request.kind === 'app') return this.#verifyApp(request);
    const params = readParams(request);
    const { trade, merchant } = this.#prepayOf(params.package);
    const appId = request.appId ?? trade.appid;
    checkApp(request.kind, appId, trade, merchant);
    this.#checkSignature(trade, { ...params, appId }, merchant.apiKey);
    assertPayable(trade, this.#clock.now());
    return { trade, merchantName: merchant.name, payerUserId: this.#payerOf(trade) };
  }

  #verifyApp(request: AppPayRequest): VerifiedPayRequest {
    const params = readAppPayParams(request);
    const { trade, merchant } = this.#prepay(params.prepayid, 'prepayid');
    checkAppOrder(params, trade, merchant);
    const { sign, ...signed } = params;
    if (trade.apiVersion === 'v3') {
      this.#checkRsa(
        trade,
        signedMessage(signed.appid, signed.timestamp, signed.noncestr, signed.prepayid),
        sign,
        '支付验证签名失败：sign 应为商户私钥对 "appid\\ntimestamp\\nnoncestr\\nprepayid\\n" 的 SHA256withRSA 签名',
      );
    } else {
      const signType = trade.signType ?? 'MD5';
      if (!safeEqual(v2Sign(signed, merchant.apiKey, signType), sign)) {
        throw new PayRequestError(
          'SIGN_ERROR',
          `支付验证签名失败：sign 应为 API 密钥对 appid、noncestr、package、partnerid、prepayid、timestamp 的 ${signType} 签名`,
        );
      }
    }
    assertPayable(trade, this.#clock.now());
    const payer = request.user ?? 'alice';
    if (!this.#users.get(payer)) throw new PayRequestError('PAYER_UNKNOWN', `没有模拟用户 ${payer}`);
    return { trade, merchantName: merchant.name, payerUserId: payer };
  }

  /** The order a prepay id names, and its merchant; `name` is the parameter as the client spells it. */
  #prepay(prepayId: string, name: string): { trade: TradeRecord; merchant: MerchantRecord } {
    const trade = this.#trades.lookup(prepayId);
    const merchant = trade?.prepayId === prepayId ? this.#merchants.get(trade.mchid) : undefined;
    if (!trade || !merchant) throw new PayRequestError('PREPAY_NOT_FOUND', `${name} 不存在：${prepayId}`);
    return { trade, merchant };
  }

  #checkRsa(trade: TradeRecord, message: string, signature: string, refusal: string): void {
    if (!rsaVerify(this.#merchants.keys(trade.mchid).merchantPublicKey, message, signature)) {
      throw new PayRequestError('SIGN_ERROR', refusal);
    }
  }

  #prepayOf(pkg: string): { trade: TradeRecord; merchant: MerchantRecord } {
    const prepayId = PACKAGE.exec(pkg)?.[1];
    if (!prepayId) throw new PayRequestError('INVALID_PARAMETER', 'package 格式错误：应为 prepay_id=…');
    const { trade, merchant } = this.#prepay(prepayId, 'prepay_id');
    if (trade.tradeType !== 'JSAPI') {
      throw new PayRequestError(
        'NOT_JSAPI_ORDER',
        `该订单的 trade_type 是 ${trade.tradeType}，不能在微信内 JSAPI / 小程序调起支付`,
      );
    }
    return { trade, merchant };
  }

  /** The simulated user the order was placed for: whoever holds the phone pays as them. */
  #payerOf(trade: TradeRecord): string {
    const payer = trade.openid ? this.#users.byOpenid(trade.appid, trade.openid) : undefined;
    if (!payer) {
      throw new PayRequestError(
        'PAYER_UNKNOWN',
        `下单时的 openid ${trade.openid ?? '(无)'} 不是模拟用户在 ${trade.appid} 下的 openid`,
      );
    }
    return payer.id;
  }

  #checkSignature(trade: TradeRecord, params: PayParams & { appId: string }, apiKey: string): void {
    const { appId, timeStamp, nonceStr, package: pkg, signType, paySign } = params;
    const signed = { appId, timeStamp, nonceStr, package: pkg, signType };
    if (trade.apiVersion === 'v3') {
      if (signed.signType !== 'RSA') {
        throw new PayRequestError(
          'SIGN_TYPE_MISMATCH',
          `签名类型错误：API v3 下单的订单 signType 必须是 RSA，收到 ${signed.signType}`,
        );
      }
      this.#checkRsa(
        trade,
        signedMessage(signed.appId, signed.timeStamp, signed.nonceStr, signed.package),
        paySign,
        '支付验证签名失败：paySign 应为商户私钥对 "appId\\ntimeStamp\\nnonceStr\\npackage\\n" 的 SHA256withRSA 签名',
      );
      return;
    }
    if (!V2_SIGN_TYPES.includes(signed.signType)) {
      throw new PayRequestError(
        'SIGN_TYPE_MISMATCH',
        `签名类型错误：API v2 下单的订单 signType 必须是 MD5 或 HMAC-SHA256，收到 ${signed.signType}`,
      );
    }
    if (!safeEqual(v2Sign(signed, apiKey, signed.signType as V2SignType), paySign)) {
      throw new PayRequestError(
        'SIGN_ERROR',
        `支付验证签名失败：paySign 应为 API 密钥对 appId、nonceStr、package、signType、timeStamp 的 ${signed.signType} 签名`,
      );
    }
  }
}

type PayParams = Required<Pick<PayRequest, (typeof REQUIRED)[number]>>;

/** Every parameter present (WeChat names the first missing one), `timeStamp` in seconds. */
function readParams(request: PayRequest): PayParams {
  const label = request.kind === 'jsapi' ? '调用支付JSAPI缺少参数' : 'requestPayment 缺少参数';
  for (const name of [...(request.kind === 'jsapi' ? ['appId' as const] : []), ...REQUIRED]) {
    const value = request[name];
    if (value === undefined || value === '')
      throw new PayRequestError('MISSING_PARAMETER', `${label}：${name}`);
  }
  const params = request as PayParams;
  if (!/^\d{1,12}$/.test(params.timeStamp)) {
    throw new PayRequestError('INVALID_PARAMETER', 'timeStamp 必须是以秒为单位的时间戳字符串');
  }
  return params;
}

/** The appid must be the order's, and of the kind that opens this sheet. */
function checkApp(kind: PayRequestKind, appId: string, trade: TradeRecord, merchant: MerchantRecord): void {
  if (appId !== trade.appid) {
    throw new PayRequestError(
      'APPID_MISMATCH',
      `appId 与下单时的 appid 不一致：该 prepay_id 属于 ${trade.appid}，请求的是 ${appId}`,
    );
  }
  const app = merchant.apps.find((a) => a.appid === trade.appid);
  const wanted: SimApp['kind'] = kind === 'jsapi' ? 'official-account' : 'mini-program';
  if (app && app.kind !== wanted) {
    throw new PayRequestError(
      'APPID_MISMATCH',
      `appid ${trade.appid} 是${APP_KIND_NAMES[app.kind]}，不能在${APP_KIND_NAMES[wanted]}中调起支付`,
    );
  }
}

/** Not paid, not closed, prepay younger than 2 h and the order not past its `time_expire`. */
export function assertPayable(trade: TradeRecord, now: number): void {
  if (isPaidTradeState(trade.state)) {
    throw new PayRequestError('ORDER_PAID', '该订单已支付，请勿重复支付');
  }
  if (trade.state === 'CLOSED' || trade.state === 'REVOKED') {
    throw new PayRequestError('ORDER_CLOSED', '该订单已关闭，请重新下单');
  }
  if (now >= trade.createdAt + PREPAY_LIFETIME_MS || now >= trade.expiresAt) {
    throw new PayRequestError('PREPAY_EXPIRED', 'prepay_id 已失效（有效期 2 小时），请重新下单');
  }
}
