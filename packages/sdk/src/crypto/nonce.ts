import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random `[A-Za-z0-9]` string (WeChat nonces are ≤ 32 characters). */
export function nonceStr(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 62];
  return out;
}

/** Seconds since the epoch, as WeChat timestamps are. */
export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}
