import { encryptReqInfo } from '../crypto/aes-ecb.js';
import { nonceStr } from '../crypto/nonce.js';
import { type V2Fields, type V2SignType, v2Sign } from './v2-signer.js';
import { buildV2Xml } from './xml-codec.js';

/*
 * Builders for what WeChat POSTs to a merchant, so a notify handler can be tested end to end
 * without WeChat (and the simulator can send the same bytes). They use the real key and the real
 * algorithms: a handler that accepts these will accept WeChat's.
 */

/** The fields a test must decide; everything else gets a plausible default, and any field can be overridden. */
export type V2PaymentNotificationInput = V2Fields & {
  appid: string;
  mch_id: string;
  out_trade_no: string;
  transaction_id: string;
  /** Integer fen. */
  total_fee: number;
};

/** A signed payment notification body, as WeChat would POST it. */
export function buildV2PaymentNotification(
  fields: V2PaymentNotificationInput,
  apiKey: string,
  signType: V2SignType = 'MD5',
  now: number = Date.now(),
): string {
  const message: V2Fields = {
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    nonce_str: nonceStr(),
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    is_subscribe: 'N',
    trade_type: 'NATIVE',
    bank_type: 'OTHERS',
    fee_type: 'CNY',
    cash_fee: fields.total_fee,
    time_end: chinaTime(now).replace(/\D/g, ''),
    ...fields,
    sign_type: signType === 'MD5' ? fields.sign_type : signType,
    sign: undefined,
  };
  return buildV2Xml({ ...message, sign: v2Sign(message, apiKey, signType) });
}

export type V2RefundNotificationInfo = V2Fields & {
  transaction_id: string;
  out_trade_no: string;
  refund_id: string;
  out_refund_no: string;
  total_fee: number;
  refund_fee: number;
};

/**
 * A refund notification body: `info` goes, as `<root>` XML, into `req_info` encrypted under the
 * MD5 of the API key; `outer` is the clear envelope (`appid`, `mch_id`, optionally `nonce_str`).
 */
export function buildV2RefundNotification(
  info: V2RefundNotificationInfo,
  apiKey: string,
  outer: { appid: string; mch_id: string; nonce_str?: string },
  now: number = Date.now(),
): string {
  const inner = buildV2Xml(
    {
      settlement_total_fee: info.total_fee,
      settlement_refund_fee: info.refund_fee,
      refund_status: 'SUCCESS',
      success_time: chinaTime(now),
      refund_recv_accout: '支付用户零钱',
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_request_source: 'API',
      ...info,
    },
    { root: 'root' },
  );
  return buildV2Xml({
    return_code: 'SUCCESS',
    appid: outer.appid,
    mch_id: outer.mch_id,
    nonce_str: outer.nonce_str ?? nonceStr(),
    req_info: encryptReqInfo(apiKey, inner),
  });
}

/** `yyyy-MM-dd HH:mm:ss` in China time (UTC+8), the clock every v2 timestamp uses. */
function chinaTime(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
