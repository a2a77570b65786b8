import { V2ResultFailure, V2ReturnFailure } from './v2-replies.js';

/**
 * Parameter checks in WeChat's words. WeChat refuses a missing or malformed parameter at the
 * communication level (`return_code=FAIL`, e.g. `appid参数长度有误`, `invalid spbill_create_ip`,
 * `JSAPI支付必须传openid`), before looking at the business; these helpers throw exactly that.
 */
export type V2Input = Readonly<Record<string, string>>;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{1,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

/** A field that must be present and non-empty. */
export function required(input: V2Input, name: string, maxBytes = 128): string {
  const value = input[name];
  if (value === undefined || value === '') {
    throw new V2ReturnFailure(
      `缺少参数${name}`,
      'LACK_PARAMS',
      `the request has no <${name}> field (or it is empty)`,
    );
  }
  return checkedLength(name, value, maxBytes);
}

export function optional(input: V2Input, name: string, maxBytes = 128): string | undefined {
  const value = input[name];
  return value === undefined || value === '' ? undefined : checkedLength(name, value, maxBytes);
}

function checkedLength(name: string, value: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) {
    throw new V2ReturnFailure(
      `${name}参数长度有误`,
      'PARAM_ERROR',
      `${name} is ${bytes} bytes (UTF-8); at most ${maxBytes} are allowed`,
    );
  }
  return value;
}

/** Exactly the first of `names` present wins, as WeChat ranks them; none → LACK_PARAMS. */
export function oneOf<K extends string>(input: V2Input, names: readonly K[]): { name: K; value: string } {
  for (const name of names) {
    const value = optional(input, name, 64);
    if (value !== undefined) return { name, value };
  }
  throw new V2ReturnFailure(
    `缺少参数${names.join('或')}`,
    'LACK_PARAMS',
    `one of ${names.join(', ')} is required`,
  );
}

/**
 * Integer fen: `1.00` (yuan) where `100` was meant is the classic mistake, and WeChat's gateway
 * refuses it while mapping the XML onto its integer field.
 */
export function fen(input: V2Input, name: string, label: string): number {
  const value = required(input, name, 32);
  if (!/^-?\d{1,18}$/.test(value.trim())) {
    throw new V2ReturnFailure(
      `无法将输入源“/body/xml/${name}”映射到目标字段“${label}”中，此字段需要一个合法的 64 位有符号整数`,
      'PARAM_ERROR',
      `${name} must be an integer number of fen (1 yuan = 100), got "${value}"`,
    );
  }
  const amount = Number(value.trim());
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new V2ReturnFailure(
      `invalid ${name}`,
      'PARAM_ERROR',
      `${name} must be a positive number of fen, got ${value}`,
    );
  }
  return amount;
}

export function outTradeNo(value: string, name = 'out_trade_no'): string {
  if (!OUT_TRADE_NO.test(value)) {
    throw new V2ReturnFailure(
      `${name}参数格式错误`,
      'PARAM_ERROR',
      `${name} must be 1-32 characters of [0-9A-Za-z_-|*@]`,
    );
  }
  return value;
}

export function outRefundNo(value: string): string {
  if (!OUT_REFUND_NO.test(value)) {
    throw new V2ReturnFailure(
      'out_refund_no参数格式错误',
      'PARAM_ERROR',
      'out_refund_no must be 1-64 characters of [0-9A-Za-z_-|*@]',
    );
  }
  return value;
}

export function oneOfValues<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new V2ReturnFailure(
      `invalid ${name}`,
      'PARAM_ERROR',
      `${name} must be one of ${allowed.join(', ')}, got "${value}"`,
    );
  }
  return value as T;
}

/** `yyyyMMddHHmmss` in UTC+8 → epoch ms. */
export function beijingTime(value: string, name: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  const parts = m?.slice(1).map(Number);
  const ms = parts
    ? Date.UTC(parts[0]!, parts[1]! - 1, parts[2]!, parts[3]!, parts[4]!, parts[5]!)
    : Number.NaN;
  // Date.UTC rolls 25:61 over into the next day; a real time survives the round trip unchanged.
  if (Number.isNaN(ms) || new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 14) !== value) {
    throw new V2ReturnFailure(
      `${name}参数格式错误`,
      'PARAM_ERROR',
      `${name} must be yyyyMMddHHmmss (UTC+8), got "${value}"`,
    );
  }
  return ms - 8 * 3600_000;
}

/** A signed business refusal for a parameter WeChat judges only after reading the order. */
export function paramError(des: string, hint?: string): V2ResultFailure {
  return new V2ResultFailure('PARAM_ERROR', des, hint);
}
