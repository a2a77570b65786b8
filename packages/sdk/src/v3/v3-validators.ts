// Cheap checks of what WeChat would refuse anyway, run before a request is signed and sent, so the
// caller gets a WechatPayValidationError naming the field instead of a remote PARAM_ERROR.
import { assertPaymentCode } from '../core/payment-code-validator.js';
import { WechatPayValidationError } from '../errors.js';
import { isRfc3339 } from './rfc3339-time.js';
import type { V3CodepayParams } from './v3-codepay-types.js';
import type { V3OrderParams, V3RefundParams } from './v3-types.js';

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const BILL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function assertOutTradeNo(value: unknown, field = 'out_trade_no'): asserts value is string {
  if (typeof value !== 'string' || !OUT_TRADE_NO.test(value)) {
    throw new WechatPayValidationError(field, `${field} must be 6–32 characters of [0-9A-Za-z_-|*]`);
  }
}

export function assertOutRefundNo(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !OUT_REFUND_NO.test(value)) {
    throw new WechatPayValidationError(
      'out_refund_no',
      'out_refund_no must be 1–64 characters of [0-9A-Za-z_-|*@]',
    );
  }
}

/** Money is integer fen: 0.01 yuan passed as `0.01` instead of `1` is the classic mistake. */
export function assertFen(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new WechatPayValidationError(field, `${field} must be a positive integer number of fen`);
  }
}

export function assertIdentifier(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || /[/?#\s]/.test(value)) {
    throw new WechatPayValidationError(
      field,
      `${field} must be a non-empty identifier without / ? # or spaces`,
    );
  }
}

export function assertBillDate(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !BILL_DATE.test(value) || Number.isNaN(Date.parse(value))) {
    throw new WechatPayValidationError('bill_date', 'bill_date must be YYYY-MM-DD');
  }
}

export function validateOrder(params: V3OrderParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'order parameters must be an object');
  }
  assertIdentifier(params.appid, 'appid');
  if (typeof params.description !== 'string' || params.description.length === 0) {
    throw new WechatPayValidationError('description', 'description must be a non-empty string');
  }
  assertOutTradeNo(params.out_trade_no);
  if (typeof params.notify_url !== 'string' || !/^https?:\/\//.test(params.notify_url)) {
    throw new WechatPayValidationError('notify_url', 'notify_url must be an absolute http(s) URL');
  }
  assertFen(params.amount?.total, 'amount.total');
  if (params.time_expire !== undefined && !isRfc3339(params.time_expire)) {
    throw new WechatPayValidationError(
      'time_expire',
      'time_expire must be RFC 3339 with an offset, e.g. 2026-11-22T20:00:00+08:00',
    );
  }
}

export function validateRefund(params: V3RefundParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'refund parameters must be an object');
  }
  const byTransaction = params.transaction_id !== undefined;
  if (byTransaction === (params.out_trade_no !== undefined)) {
    throw new WechatPayValidationError(
      'transaction_id',
      'give exactly one of transaction_id and out_trade_no',
    );
  }
  if (byTransaction) assertIdentifier(params.transaction_id, 'transaction_id');
  else assertOutTradeNo(params.out_trade_no);
  assertOutRefundNo(params.out_refund_no);
  assertFen(params.amount?.refund, 'amount.refund');
  assertFen(params.amount?.total, 'amount.total');
  if (params.amount.refund > params.amount.total) {
    throw new WechatPayValidationError('amount.refund', 'amount.refund cannot exceed amount.total');
  }
}

export function validateCodepay(params: V3CodepayParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new WechatPayValidationError('params', 'codepay parameters must be an object');
  }
  assertPaymentCode(params.payer?.auth_code, 'payer.auth_code');
  assertIdentifier(params.appid, 'appid');
  if (typeof params.description !== 'string' || params.description.length === 0) {
    throw new WechatPayValidationError('description', 'description must be a non-empty string');
  }
  assertOutTradeNo(params.out_trade_no);
  assertFen(params.amount?.total, 'amount.total');
  const outId = params.scene_info?.store_info?.out_id;
  if (typeof outId !== 'string' || outId.length === 0 || outId.length > 32) {
    throw new WechatPayValidationError(
      'scene_info.store_info.out_id',
      "codepay needs scene_info.store_info.out_id, the merchant's store number (1–32 characters)",
    );
  }
  if ('notify_url' in params) {
    throw new WechatPayValidationError('notify_url', 'codepay takes no notify_url: its answer is the result');
  }
}
