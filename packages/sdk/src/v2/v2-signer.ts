import { hmacSha256Hex, md5Hex, safeEqual } from '../crypto/hash.js';
import { WechatPaySignatureError } from '../errors.js';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

/** A v2 message as a flat field map (what the XML codec yields). */
export type V2Fields = Record<string, string | number | undefined | null>;

/**
 * The exact string v2 signs: every field except `sign` with a non-empty value, sorted by name
 * (ASCII), joined `k=v&…`, then `&key=<API key>`. Exposed so a failing integration can print it.
 */
export function v2SignString(fields: V2Fields, apiKey: string): string {
  return `${v2SignedPart(fields)}&key=${apiKey}`;
}

function v2SignedPart(fields: V2Fields): string {
  const names = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .sort();
  let out = '';
  for (const name of names) out += `${out ? '&' : ''}${name}=${fields[name]}`;
  return out;
}

/** Signs v2 fields: MD5 or HMAC-SHA256 keyed by the API key, upper-case hex. */
export function v2Sign(fields: V2Fields, apiKey: string, signType: V2SignType = 'MD5'): string {
  const text = v2SignString(fields, apiKey);
  return (signType === 'HMAC-SHA256' ? hmacSha256Hex(apiKey, text) : md5Hex(text)).toUpperCase();
}

/** Resolves the sign type a message declares (`sign_type`), falling back to the caller's default. */
export function v2SignTypeOf(fields: V2Fields, fallback: V2SignType = 'MD5'): V2SignType {
  const declared = fields.sign_type;
  if (declared === undefined || declared === null || declared === '') return fallback;
  if (declared === 'MD5' || declared === 'HMAC-SHA256') return declared;
  throw new WechatPaySignatureError('unsupported-sign-type', `unsupported sign_type "${declared}"`, {
    signType: declared,
  });
}

/**
 * Verifies the `sign` of a v2 message. On mismatch the error says what was expected, what was
 * received, which sign type was used and the signed field list with the key masked — enough to spot
 * a wrong key, a field the other side left out, or a trailing space, without leaking the key.
 * The message is for the merchant's own logs: never send it back to whoever sent the message, since
 * the expected sign would let a forger sign their next attempt.
 */
export function v2Verify(fields: V2Fields, apiKey: string, fallbackType: V2SignType = 'MD5'): V2SignType {
  const got = fields.sign;
  if (got === undefined || got === null || got === '') {
    throw new WechatPaySignatureError('missing-sign', 'message has no sign field');
  }
  const signType = v2SignTypeOf(fields, fallbackType);
  const expected = v2Sign(fields, apiKey, signType);
  if (!safeEqual(expected, String(got).toUpperCase())) {
    const signed = `${v2SignedPart(fields)}&key=***`;
    throw new WechatPaySignatureError(
      'sign-mismatch',
      `v2 ${signType} sign mismatch: expected ${expected}, got ${got}; signed string was "${signed}"` +
        ' — check the API key, the sign_type, and that both sides signed the same fields',
      { expected, got: String(got), signType, signedString: signed, fields: signedFieldNames(fields) },
    );
  }
  return signType;
}

function signedFieldNames(fields: V2Fields): string[] {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .sort();
}
