import type { AppPayParams, JsapiPayParams } from '../core/pay-params-types.js';
import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { WechatPayConfigError } from '../errors.js';
import { type V2SignType, v2Sign } from './v2-signer.js';
import { assertV2Text } from './v2-validators.js';

export interface V2JsapiPayParamsInput {
  appId: string;
  prepayId: string;
  apiKey: string;
  /** Must be the type unifiedorder was signed with; default MD5. */
  signType?: V2SignType;
  now?: number;
}

/** JSAPI (official account) pay parameters; the mini-program takes the same object. */
export function jsapiPayParamsV2(input: V2JsapiPayParamsInput): JsapiPayParams<V2SignType> {
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
export const miniProgramPayParamsV2: (input: V2JsapiPayParamsInput) => JsapiPayParams<V2SignType> =
  jsapiPayParamsV2;

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

export function appPayParamsV2(input: V2AppPayParamsInput): AppPayParams {
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
