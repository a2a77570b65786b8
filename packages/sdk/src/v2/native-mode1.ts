import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { WechatPayFormatError, WechatPayValidationError } from '../errors.js';
import { v2Sign, v2Verify } from './v2-signer.js';
import { assertV2Text } from './v2-validators.js';
import { buildV2Xml, parseV2Xml } from './xml-codec.js';

/**
 * Native "mode 1": a QR code per product rather than per order. The code is a signed
 * `weixin://wxpay/bizpayurl` URL; when a user scans it WeChat calls the merchant back with the
 * product and the payer, and the merchant answers with a fresh prepay_id.
 */
export interface BizPayUrlParams {
  appid: string;
  mch_id: string;
  product_id: string;
}

/** Builds the product QR content. `now` is injectable so a code can be reproduced in tests. */
export function buildBizPayUrl(params: BizPayUrlParams, apiKey: string, now: number = Date.now()): string {
  assertV2Text(params?.appid, 'appid', 32);
  assertV2Text(params.mch_id, 'mch_id', 32);
  assertV2Text(params.product_id, 'product_id', 32);
  const fields = {
    appid: params.appid,
    mch_id: params.mch_id,
    product_id: params.product_id,
    time_stamp: String(unixSeconds(now)),
    nonce_str: nonceStr(),
  };
  const query = [
    ['sign', v2Sign(fields, apiKey)],
    ['appid', fields.appid],
    ['mch_id', fields.mch_id],
    ['product_id', fields.product_id],
    ['time_stamp', fields.time_stamp],
    ['nonce_str', fields.nonce_str],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');
  return `weixin://wxpay/bizpayurl?${query}`;
}

/** What WeChat posts to the mode-1 callback URL when a product code is scanned. */
export interface ProductCallback {
  appid: string;
  openid: string;
  mch_id: string;
  is_subscribe: string;
  nonce_str: string;
  product_id: string;
}

const CALLBACK_FIELDS = ['appid', 'openid', 'mch_id', 'is_subscribe', 'nonce_str', 'product_id'] as const;

/** Verifies the scan callback's sign (MD5 unless it declares `sign_type`) and returns its fields. */
export function parseProductCallback(body: string | Buffer, apiKey: string): ProductCallback {
  const fields = parseV2Xml(body);
  v2Verify(fields, apiKey);
  const callback = {} as Record<(typeof CALLBACK_FIELDS)[number], string>;
  for (const name of CALLBACK_FIELDS) {
    const value = fields[name];
    if (value === undefined || (value === '' && name !== 'is_subscribe')) {
      throw new WechatPayFormatError(`product callback is missing ${name}`);
    }
    callback[name] = value;
  }
  return callback;
}

/**
 * The merchant's answer: the prepay_id of the order it created, why it could not (`err_code_des`,
 * shown to the payer), or — `return_code: 'FAIL'` — that the callback itself was refused (bad sign,
 * unreadable XML, another merchant's), with the reason in `return_msg`.
 */
export type ProductCallbackReply =
  | { appid: string; mch_id: string; prepay_id: string; return_msg?: string }
  | { appid: string; mch_id: string; err_code_des: string; return_msg?: string }
  | { appid: string; mch_id: string; return_code: 'FAIL'; return_msg: string };

/**
 * Builds the signed XML answer to a scan callback (`result_code` FAIL carries `err_code_des`).
 * Signed MD5: the documented reply has no `sign_type` field to announce anything else. A refusal
 * (`return_code` FAIL) is signed too: WeChat only requires it on SUCCESS, and a signature costs nothing.
 */
export function buildProductCallbackReply(reply: ProductCallbackReply, apiKey: string): string {
  assertV2Text(reply?.appid, 'appid', 32);
  assertV2Text(reply.mch_id, 'mch_id', 32);
  if ('return_code' in reply) {
    if (reply.return_code !== 'FAIL' || typeof reply.return_msg !== 'string' || reply.return_msg === '') {
      throw new WechatPayValidationError(
        'return_msg',
        'a refused callback needs return_code FAIL and a return_msg',
      );
    }
    const refusal = {
      return_code: 'FAIL',
      return_msg: reply.return_msg,
      appid: reply.appid,
      mch_id: reply.mch_id,
      nonce_str: nonceStr(),
    };
    return buildV2Xml({ ...refusal, sign: v2Sign(refusal, apiKey) });
  }
  const ok = 'prepay_id' in reply;
  if (ok) assertV2Text(reply.prepay_id, 'prepay_id', 64);
  else if (typeof reply.err_code_des !== 'string' || reply.err_code_des === '') {
    throw new WechatPayValidationError(
      'err_code_des',
      'a failed reply needs err_code_des shown to the payer',
    );
  }
  const fields = {
    return_code: 'SUCCESS',
    return_msg: reply.return_msg,
    appid: reply.appid,
    mch_id: reply.mch_id,
    nonce_str: nonceStr(),
    prepay_id: ok ? reply.prepay_id : undefined,
    result_code: ok ? 'SUCCESS' : 'FAIL',
    err_code_des: ok ? undefined : reply.err_code_des,
  };
  return buildV2Xml({ ...fields, sign: v2Sign(fields, apiKey) });
}
