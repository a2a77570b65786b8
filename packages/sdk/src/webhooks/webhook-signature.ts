import { hmacSha256Hex, safeEqual } from '../crypto/hash.js';
import { WechatPaySignatureError } from '../errors.js';

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>` (one `v1` per secret while rotating). */
export const WEBHOOK_SIGNATURE_HEADER = 'x-wechatpay-kit-signature';

/** How far the signed time may be from the receiver's clock, default 5 minutes: the replay window. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export interface SignWebhookOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
}

export interface VerifyWebhookOptions {
  toleranceSeconds?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/**
 * The signature header value for `body`: HMAC-SHA256 with each secret over `${t}.${body}`. Signing
 * the time with the body is what lets a receiver refuse an old delivery replayed by someone who
 * captured it; several secrets give one `v1` each, so a receiver can rotate its secret without a gap.
 */
export function signWebhook(
  body: string | Buffer,
  secrets: string | readonly string[],
  options: SignWebhookOptions = {},
): string {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = signedPayload(t, body);
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new TypeError('signWebhook needs at least one secret');
  return [`t=${t}`, ...list.map((secret) => `v1=${hmacSha256Hex(secret, signed)}`)].join(',');
}

/**
 * Checks a delivery's signature header against the raw body: the time within the tolerance and a
 * `v1` that one of `secrets` produced (several while rotating). Throws a `WechatPaySignatureError`
 * whose `reason` is `missing-header`, `stale-timestamp` or `bad-signature`; the message never
 * contains a secret or the expected signature.
 */
export function verifyWebhookSignature(
  body: string | Buffer,
  header: string | readonly string[] | undefined,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): void {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    throw new TypeError(
      'verifyWebhookSignature needs the raw request body (string or Buffer), not a parsed object: the signature covers the bytes as sent',
    );
  }
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') {
    throw new WechatPaySignatureError(
      'missing-header',
      `缺少签名头 ${WEBHOOK_SIGNATURE_HEADER} (no ${WEBHOOK_SIGNATURE_HEADER} header)`,
    );
  }
  const { t, signatures } = parseHeader(value);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - t) > tolerance) {
    throw new WechatPaySignatureError(
      'stale-timestamp',
      `签名时间超出 ${tolerance} 秒的允许范围，可能是重放 (signed at ${t}, now ${nowSeconds}: outside the ${tolerance} s window; a replay, or a clock off)`,
      { timestamp: t, now: nowSeconds, toleranceSeconds: tolerance },
    );
  }
  const signed = signedPayload(t, body);
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const matches = list.some((secret) => {
    const expected = hmacSha256Hex(secret, signed);
    return signatures.some((candidate) => safeEqual(candidate, expected));
  });
  if (!matches) {
    throw new WechatPaySignatureError(
      'bad-signature',
      '签名不匹配：密钥不对，或请求体在验签前被改动（例如被 body parser 解析后重新序列化）(signature mismatch: another secret, or the body changed before verification, e.g. parsed and re-serialized)',
      { timestamp: t, signatures: signatures.length },
    );
  }
}

function signedPayload(t: number, body: string | Buffer): Buffer {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`${t}.`, 'utf8'), raw]);
}

function parseHeader(value: string): { t: number; signatures: string[] } {
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const item = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(item)) t = Number(item);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(item)) signatures.push(item);
  }
  if (t === undefined || signatures.length === 0) {
    throw new WechatPaySignatureError(
      'bad-signature',
      `签名头格式不对，应为 t=…,v1=… (${WEBHOOK_SIGNATURE_HEADER} must be t=<unix seconds>,v1=<hex>)`,
    );
  }
  return { t, signatures };
}
