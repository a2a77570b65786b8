import { randomBytes, randomInt } from 'node:crypto';

/** `yyyyMMddHHmmss` in UTC+8, the form WeChat uses in ids and v2 times. */
export function beijingCompact(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += randomInt(10);
  return out;
}

/** 28 digits, `4200…`, like WeChat's transaction ids. */
export function newTransactionId(now: number): string {
  return `4200${digits(4)}${beijingCompact(now).slice(0, 8)}${digits(12)}`;
}

/** `wx` + time + hex, like WeChat's prepay ids (36 characters). */
export function newPrepayId(now: number): string {
  return `wx${beijingCompact(now)}${randomBytes(10).toString('hex')}`;
}

/** Native `code_url` with a short token, as WeChat's current `weixin://wxpay/bizpayurl?pr=…`. */
export function newCodeUrl(): string {
  return `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('base64url').slice(0, 7)}`;
}

/** The numeric `package` of an H5 cashier URL (`checkmweb?prepay_id=…&package=…`), 10 digits. */
export function newH5Package(): string {
  return `${1 + randomInt(9)}${digits(9)}`;
}

/** 29 digits, `50…`, like WeChat's refund ids. */
export function newRefundId(now: number): string {
  return `50${digits(5)}${beijingCompact(now).slice(0, 8)}${digits(14)}`;
}
