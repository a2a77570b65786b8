import { assertPaymentCode } from '../core/payment-code-validator.js';
import { WechatPayValidationError } from '../errors.js';
import type {
  V2DownloadBillParams,
  V2MicropayParams,
  V2RefundParams,
  V2UnifiedOrderParams,
} from './v2-types.js';

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{1,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const BILL_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const TRADE_TYPES = new Set(['JSAPI', 'NATIVE', 'APP', 'MWEB']);
const BILL_TYPES = new Set(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND']);

/*
 * Checks WeChat would make anyway, made before anything is signed or sent: a local error names
 * the field, where WeChat answers a bare PARAM_ERROR or INVALID_REQUEST after a round trip.
 */

export function assertV2OutTradeNo(value: unknown, field = 'out_trade_no'): asserts value is string {
  if (typeof value !== 'string' || !OUT_TRADE_NO.test(value)) {
    throw new WechatPayValidationError(field, `${field} must be 1–32 characters of [0-9A-Za-z_-|*]`);
  }
}

/** Money is integer fen: `0.01` (yuan) where `1` was meant is the classic mistake. */
export function assertV2Fen(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new WechatPayValidationError(
      field,
      `${field} must be a positive integer number of fen, got ${value}`,
    );
  }
}

export function assertV2Text(value: unknown, field: string, maxLength = 256): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new WechatPayValidationError(
      field,
      `${field} must be a non-empty string of at most ${maxLength} characters`,
    );
  }
}

export function validateV2UnifiedOrder(params: V2UnifiedOrderParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'unifiedorder parameters must be an object');
  }
  if (!TRADE_TYPES.has(params.trade_type)) {
    throw new WechatPayValidationError('trade_type', 'trade_type must be one of JSAPI, NATIVE, APP, MWEB');
  }
  assertV2Text(params.body, 'body', 128);
  assertV2OutTradeNo(params.out_trade_no);
  assertV2Fen(params.total_fee, 'total_fee');
  assertV2Text(params.spbill_create_ip, 'spbill_create_ip', 64);
  if (typeof params.notify_url !== 'string' || !/^https?:\/\/[^\s?]+$/.test(params.notify_url)) {
    throw new WechatPayValidationError(
      'notify_url',
      'notify_url must be an http(s) URL without a query string',
    );
  }
  if (params.trade_type === 'NATIVE') assertV2Text(params.product_id, 'product_id', 32);
  if (params.trade_type === 'JSAPI') assertV2Text(params.openid, 'openid', 128);
}

export function validateV2Micropay(params: V2MicropayParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'micropay parameters must be an object');
  }
  assertPaymentCode(params.auth_code);
  assertV2Text(params.body, 'body', 128);
  assertV2OutTradeNo(params.out_trade_no);
  assertV2Fen(params.total_fee, 'total_fee');
  assertV2Text(params.spbill_create_ip, 'spbill_create_ip', 64);
  if ('notify_url' in params) {
    throw new WechatPayValidationError(
      'notify_url',
      'micropay takes no notify_url: its answer is the result',
    );
  }
}

export function validateV2Refund(params: V2RefundParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'refund parameters must be an object');
  }
  const byTransaction = 'transaction_id' in params && params.transaction_id !== undefined;
  if (byTransaction) assertV2Text(params.transaction_id, 'transaction_id', 32);
  else assertV2OutTradeNo((params as { out_trade_no?: unknown }).out_trade_no);
  if (typeof params.out_refund_no !== 'string' || !OUT_REFUND_NO.test(params.out_refund_no)) {
    throw new WechatPayValidationError(
      'out_refund_no',
      'out_refund_no must be 1–64 characters of [0-9A-Za-z_-|*@]',
    );
  }
  assertV2Fen(params.total_fee, 'total_fee');
  assertV2Fen(params.refund_fee, 'refund_fee');
  if (params.refund_fee > params.total_fee) {
    throw new WechatPayValidationError('refund_fee', 'refund_fee cannot exceed total_fee');
  }
}

export function validateV2DownloadBill(params: V2DownloadBillParams): void {
  const m = BILL_DATE.exec(String(params?.bill_date));
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.getUTCDate() !== Number(m[3]) || date.getUTCMonth() !== Number(m[2]) - 1) {
    throw new WechatPayValidationError('bill_date', 'bill_date must be a real date written yyyyMMdd');
  }
  if (params.bill_type !== undefined && !BILL_TYPES.has(params.bill_type)) {
    throw new WechatPayValidationError(
      'bill_type',
      'bill_type must be ALL, SUCCESS, REFUND or RECHARGE_REFUND',
    );
  }
  if (params.tar_type !== undefined && params.tar_type !== 'GZIP') {
    throw new WechatPayValidationError('tar_type', 'tar_type can only be GZIP');
  }
}

/** Exactly one of the identifying fields must be given (query operations). */
export function pickV2Identifier<K extends string>(params: object, names: readonly K[], op: string): K {
  const given = names.filter((n) => {
    const v = (params as Record<string, unknown>)[n];
    return v !== undefined && v !== null && v !== '';
  });
  if (given.length !== 1) {
    throw new WechatPayValidationError(names.join('|'), `${op} needs exactly one of ${names.join(', ')}`);
  }
  const name = given[0]!;
  assertV2Text((params as Record<string, unknown>)[name], name, 64);
  return name;
}
