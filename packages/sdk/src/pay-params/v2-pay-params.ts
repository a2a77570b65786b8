import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { WechatPayConfigError } from '../errors.js';
import { type V2SignType, v2Sign } from '../v2/v2-signer.js';
import { assertV2Text } from '../v2/v2-validators.js';

/**
 * What `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` and `wx.requestPayment` take for an API v2
 * order. The key names are camelCase exactly as the client checks them, and `paySign` is the v2 sign
 * over those very names — signing `appid`/`timestamp` instead is the usual "支付验证签名失败".
 */
export interface V2JsapiPayParams {
  appId: string;
  /** Seconds, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=…`. */
  package: string;
  signType: V2SignType;
  paySign: string;
}

export interface V2JsapiPayParamsInput {
  appId: string;
  prepayId: string;
  apiKey: string;
  /** Must be the type unifiedorder was signed with; default MD5. */
  signType?: V2SignType;
  now?: number;
}

/** JSAPI (official account) pay parameters; the mini-program takes the same object. */
export function jsapiPayParamsV2(input: V2JsapiPayParamsInput): V2JsapiPayParams {
  assertV2Text(input?.appId, 'appId', 32);
  assertV2Text(input.prepayId, 'prepayId', 64);
  requireKey(input.apiKey);
  const signType = input.signType ?? 'MD5';
  const params = {
    appId: input.appId,
    timeStamp: String(unixSeconds(input.now)),
    nonceStr: nonceStr(),
    package: `prepay_id=${input.prepayId}`,
    signType,
  };
  return { ...params, paySign: v2Sign(params, input.apiKey, signType) };
}

/** Mini-program `wx.requestPayment` parameters: the JSAPI shape, signed the same way. */
export const miniProgramPayParamsV2: (input: V2JsapiPayParamsInput) => V2JsapiPayParams = jsapiPayParamsV2;

/** What the App SDK's `PayReq` takes for an API v2 order (all lower-case, `package` fixed). */
export interface V2AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  /** Seconds, as a string. */
  timestamp: string;
  sign: string;
}

export interface V2AppPayParamsInput {
  appid: string;
  /** The merchant id (mch_id). */
  partnerid: string;
  prepayid: string;
  apiKey: string;
  /** Must be the type unifiedorder was signed with; default MD5. */
  signType?: V2SignType;
  now?: number;
}

export function appPayParamsV2(input: V2AppPayParamsInput): V2AppPayParams {
  assertV2Text(input?.appid, 'appid', 32);
  assertV2Text(input.partnerid, 'partnerid', 32);
  assertV2Text(input.prepayid, 'prepayid', 64);
  requireKey(input.apiKey);
  const params = {
    appid: input.appid,
    partnerid: input.partnerid,
    prepayid: input.prepayid,
    package: 'Sign=WXPay' as const,
    noncestr: nonceStr(),
    timestamp: String(unixSeconds(input.now)),
  };
  return { ...params, sign: v2Sign(params, input.apiKey, input.signType ?? 'MD5') };
}

function requireKey(apiKey: unknown): void {
  if (typeof apiKey !== 'string' || apiKey.length === 0) {
    throw new WechatPayConfigError('pay parameters need the API v2 key to sign with');
  }
}
