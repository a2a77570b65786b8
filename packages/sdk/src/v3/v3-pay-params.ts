import type { AppPayParams, JsapiPayParams } from '../core/pay-params-types.js';
import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { type KeyInput, loadPrivateKey, rsaSign } from '../crypto/rsa.js';
import { signedMessage } from '../crypto/signed-message.js';

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

export interface AppPayParamsV3Input {
  appid: string;
  /** The merchant id (`mchid`). */
  partnerid: string;
  prepayid: string;
  timestamp?: string;
  noncestr?: string;
  now?: () => number;
}

/**
 * Pay parameters for JSAPI and mini-program pay under API v3: `paySign` is SHA256withRSA with the
 * merchant key over `appId\ntimeStamp\nnonceStr\npackage\n` (not the v2 MD5 sign). Computed on the
 * server, since the private key must never reach the page.
 */
export function jsapiPayParamsV3(input: JsapiPayParamsV3Input & PaySignKey): JsapiPayParams<'RSA'> {
  const timeStamp = input.timeStamp ?? String(unixSeconds((input.now ?? Date.now)()));
  const nonce = input.nonceStr ?? nonceStr();
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = signWith(input, signedMessage(input.appId, timeStamp, nonce, pkg));
  return { appId: input.appId, timeStamp, nonceStr: nonce, package: pkg, signType: 'RSA', paySign };
}

/** App pay parameters under API v3: `sign` over `appid\ntimestamp\nnoncestr\nprepayid\n`. */
export function appPayParamsV3(input: AppPayParamsV3Input & PaySignKey): AppPayParams {
  const timestamp = input.timestamp ?? String(unixSeconds((input.now ?? Date.now)()));
  const noncestr = input.noncestr ?? nonceStr();
  const sign = signWith(input, signedMessage(input.appid, timestamp, noncestr, input.prepayid));
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
