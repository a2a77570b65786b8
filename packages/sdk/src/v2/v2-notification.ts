import { decryptReqInfo } from '../crypto/aes-ecb.js';
import { WechatPayApiError, WechatPayDecryptError, WechatPayFormatError } from '../errors.js';
import { withV2Amounts } from './v2-amounts.js';
import { v2ReturnFailure } from './v2-answer.js';
import { type V2SignType, v2Verify } from './v2-signer.js';
import type { V2PaidTrade, V2RefundStatus } from './v2-types.js';
import { buildV2Xml, parseV2Xml, type V2XmlOptions } from './xml-codec.js';

/** A verified v2 payment notification: the envelope and the paid trade. Amounts are integer fen. */
export interface V2PaymentNotification extends V2PaidTrade {
  return_code: 'SUCCESS';
  result_code: 'SUCCESS';
  appid: string;
  mch_id: string;
  nonce_str: string;
  sign: string;
  sign_type?: V2SignType;
  device_info?: string;
}

/** A decrypted v2 refund notification: the outer envelope's ids plus the `req_info` content. */
export interface V2RefundNotification {
  appid: string;
  mch_id: string;
  nonce_str: string;
  transaction_id: string;
  out_trade_no: string;
  refund_id: string;
  out_refund_no: string;
  total_fee: number;
  settlement_total_fee?: number;
  refund_fee: number;
  settlement_refund_fee?: number;
  refund_status: Exclude<V2RefundStatus, 'PROCESSING'>;
  /** `yyyy-MM-dd HH:mm:ss`, UTC+8; only when `refund_status` is SUCCESS. */
  success_time?: string;
  refund_recv_accout?: string;
  refund_account?: string;
  refund_request_source?: string;
}

const PAYMENT_REQUIRED = [
  'appid',
  'mch_id',
  'openid',
  'trade_type',
  'total_fee',
  'transaction_id',
  'out_trade_no',
  'time_end',
];
const REFUND_REQUIRED = [
  'transaction_id',
  'out_trade_no',
  'refund_id',
  'out_refund_no',
  'total_fee',
  'refund_fee',
  'refund_status',
];

/**
 * Verifies and reads what WeChat POSTs to `notify_url` after a payment. The sign is checked with the
 * type the message declares (`sign_type`, MD5 when absent). It proves the sender, not freshness:
 * the caller must still compare `total_fee` with its order and apply the payment only once, since
 * WeChat resends until it sees the ACK.
 *
 * WeChat notifies successful payments only; a `result_code` FAIL is thrown as `WechatPayApiError`.
 */
export function parseV2PaymentNotification(
  body: string | Buffer,
  apiKey: string,
  options: Pick<V2XmlOptions, 'maxBytes'> = {},
): V2PaymentNotification {
  const fields = parseV2Xml(body, options);
  if (fields.return_code !== 'SUCCESS') throw v2ReturnFailure('payment notification', fields);
  v2Verify(fields, apiKey);
  if (fields.result_code !== 'SUCCESS') {
    throw new WechatPayApiError(
      `payment notification reports result_code ${fields.result_code ?? '(missing)'}`,
      {
        code: fields.err_code || 'FAIL',
        returnCode: fields.return_code,
        resultCode: fields.result_code ?? '',
        raw: fields,
      },
    );
  }
  requireFields(fields, PAYMENT_REQUIRED, 'payment notification');
  return withV2Amounts<V2PaymentNotification>(fields);
}

/**
 * Decrypts and reads a v2 refund notification. It carries no sign: `req_info` is AES-256-ECB under
 * the MD5 of the API key, so a message that decrypts to well-formed refund XML is the proof.
 */
export function parseV2RefundNotification(
  body: string | Buffer,
  apiKey: string,
  options: Pick<V2XmlOptions, 'maxBytes'> = {},
): V2RefundNotification {
  const outer = parseV2Xml(body, options);
  if (outer.return_code !== 'SUCCESS') throw v2ReturnFailure('refund notification', outer);
  requireFields(outer, ['appid', 'mch_id', 'req_info'], 'refund notification');
  const plaintext = decryptReqInfo(apiKey, outer.req_info!);
  let info: Record<string, string>;
  try {
    info = parseV2Xml(plaintext, { root: 'root' });
  } catch (cause) {
    throw new WechatPayDecryptError('req_info did not decrypt to refund XML: wrong API key or altered data', {
      cause,
    });
  }
  requireFields(info, REFUND_REQUIRED, 'refund notification req_info');
  const refund = withV2Amounts<V2RefundNotification>(info);
  return { ...refund, appid: outer.appid!, mch_id: outer.mch_id!, nonce_str: outer.nonce_str ?? '' };
}

/**
 * The answer WeChat waits for. Anything but SUCCESS (or no answer within 5 s) makes it resend on
 * its schedule, so answer `false` only when the notification should really come again.
 */
export function v2NotificationAck(ok: boolean, msg?: string): string {
  return buildV2Xml({ return_code: ok ? 'SUCCESS' : 'FAIL', return_msg: msg ?? (ok ? 'OK' : 'FAIL') });
}

function requireFields(fields: Record<string, string>, names: readonly string[], what: string): void {
  const missing = names.filter((name) => !fields[name]);
  if (missing.length > 0) throw new WechatPayFormatError(`${what} is missing ${missing.join(', ')}`);
}
