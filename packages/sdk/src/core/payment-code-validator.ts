import { WechatPayValidationError } from '../errors.js';

/** 18 digits, `10`–`15` first: what the WeChat app shows as its payment code (付款码). */
const PAYMENT_CODE = /^1[0-5]\d{16}$/;

/**
 * Whether `value` has the shape of a WeChat payment code. A cashier can tell at once an Alipay
 * code (`25`–`30…`) or a misread barcode from a WeChat one, instead of after a round trip.
 */
export function isPaymentCode(value: unknown): value is string {
  return typeof value === 'string' && PAYMENT_CODE.test(value);
}

/**
 * The code as it may appear in a message or log: its first two and last two characters, the rest
 * starred. A payment code is a bearer credential for about a minute, so it is never echoed whole.
 */
export function maskPaymentCode(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  if (value.length <= 6) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/** Throws a {@link WechatPayValidationError} naming `field`, with the value masked, unless it is a payment code. */
export function assertPaymentCode(value: unknown, field = 'auth_code'): asserts value is string {
  if (isPaymentCode(value)) return;
  const shown =
    typeof value === 'string'
      ? `${maskPaymentCode(value)} (${value.length} characters)`
      : maskPaymentCode(value);
  throw new WechatPayValidationError(
    field,
    `${field} 不是微信付款码 / is not a WeChat payment code (18 digits starting with 10–15): got ${shown}`,
  );
}
