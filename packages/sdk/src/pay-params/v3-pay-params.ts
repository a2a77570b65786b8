import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { type KeyInput, loadPrivateKey, rsaSign } from '../crypto/rsa.js';

/** Anything that signs SHA256withRSA with the merchant key, e.g. a `V3RequestSigner`. */
export interface MerchantMessageSigner {
  sign(message: string): string;
}

/**
 * Either a signer that already holds the parsed key (cheapest: pass the client's `V3RequestSigner`)
 * or the merchant private key itself (parsed on each call unless it is a `KeyObject`).
 */
export type PaySignKey = { signer: MerchantMessageSigner } | { privateKey: KeyInput };

export interface JsapiPayParamsV3Input {
  /** The appid the order was created with (official account or mini-program). */
  appId: string;
  prepayId: string;
  /** Defaults to now, in seconds. */
  timeStamp?: string;
  nonceStr?: string;
  now?: () => number;
}

/** What `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` / `wx.requestPayment` take, names exactly so. */
export interface JsapiPayParamsV3 {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface AppPayParamsV3Input {
  appid: string;
  /** The merchant id (`mchid`). */
  partnerid: string;
  prepayid: string;
  timestamp?: string;
  noncestr?: string;
  now?: () => number;
}

/** What the App SDK's `PayReq` takes. */
export interface AppPayParamsV3 {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

/**
 * Pay parameters for JSAPI and mini-program pay under API v3: `paySign` is SHA256withRSA with the
 * merchant key over `appId\ntimeStamp\nnonceStr\npackage\n` (not the v2 MD5 sign). Computed on the
 * server, since the private key must never reach the page.
 */
export function jsapiPayParamsV3(input: JsapiPayParamsV3Input & PaySignKey): JsapiPayParamsV3 {
  const timeStamp = input.timeStamp ?? String(unixSeconds((input.now ?? Date.now)()));
  const nonce = input.nonceStr ?? nonceStr();
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = signWith(input, `${input.appId}\n${timeStamp}\n${nonce}\n${pkg}\n`);
  return { appId: input.appId, timeStamp, nonceStr: nonce, package: pkg, signType: 'RSA', paySign };
}

/** App pay parameters under API v3: `sign` over `appid\ntimestamp\nnoncestr\nprepayid\n`. */
export function appPayParamsV3(input: AppPayParamsV3Input & PaySignKey): AppPayParamsV3 {
  const timestamp = input.timestamp ?? String(unixSeconds((input.now ?? Date.now)()));
  const noncestr = input.noncestr ?? nonceStr();
  const sign = signWith(input, `${input.appid}\n${timestamp}\n${noncestr}\n${input.prepayid}\n`);
  return {
    appid: input.appid,
    partnerid: input.partnerid,
    prepayid: input.prepayid,
    package: 'Sign=WXPay',
    noncestr,
    timestamp,
    sign,
  };
}

function signWith(key: PaySignKey, message: string): string {
  return 'signer' in key ? key.signer.sign(message) : rsaSign(loadPrivateKey(key.privateKey), message);
}
