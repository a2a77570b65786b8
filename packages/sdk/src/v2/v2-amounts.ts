import { WechatPayFormatError } from '../errors.js';
import type { V2RefundQueryItem } from './v2-types.js';

/** Fields that are integer fen (or counts) in v2 answers and callbacks, with or without a `_$n` suffix. */
const NUMERIC_FIELD =
  /^(total_fee|cash_fee|settlement_total_fee|coupon_fee|refund_fee|settlement_refund_fee|cash_refund_fee|coupon_refund_fee|coupon_count|coupon_refund_count|refund_count|total_refund_count)(_\d+)*$/;

/**
 * WeChat sends every value as text; amounts become numbers here, once, so no caller ever compares
 * `"100"` with `100`. A value that is not a plain non-negative integer is refused rather than
 * guessed at (`"1.00"` would mean yuan, a protocol break).
 */
export function withV2Amounts<T>(fields: Record<string, string>): T {
  const out: Record<string, string | number> = { ...fields };
  for (const [name, value] of Object.entries(fields)) {
    if (NUMERIC_FIELD.test(name)) out[name] = toInteger(name, value);
  }
  return out as T;
}

function toInteger(name: string, value: string): number {
  if (!/^\d{1,15}$/.test(value)) {
    throw new WechatPayFormatError(`${name} must be an integer number of fen, got "${value}"`);
  }
  return Number(value);
}

/** Gathers refundquery's `out_refund_no_0 … refund_status_$n` fields into one object per refund. */
export function collectV2Refunds(fields: Record<string, string>): V2RefundQueryItem[] {
  const count = toInteger('refund_count', fields.refund_count ?? '0');
  const refunds: V2RefundQueryItem[] = [];
  for (let n = 0; n < count; n++) {
    const item: Record<string, string | number> = {};
    const suffix = `_${n}`;
    for (const [name, value] of Object.entries(fields)) {
      if (!name.endsWith(suffix)) continue;
      const base = name.slice(0, -suffix.length);
      // `coupon_type_0_1` ends in `_1` but belongs to refund 0: only one-level names are taken.
      if (/_\d+$/.test(base)) continue;
      item[base] = NUMERIC_FIELD.test(base) ? toInteger(name, value) : value;
    }
    if (
      item.out_refund_no === undefined ||
      item.refund_fee === undefined ||
      item.refund_status === undefined
    ) {
      throw new WechatPayFormatError(
        `refund ${n} of ${count} is missing out_refund_no_${n}, refund_fee_${n} or refund_status_${n}`,
      );
    }
    refunds.push(item as unknown as V2RefundQueryItem);
  }
  return refunds;
}
