import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time: one `randomBytes(32)` per request costs
 * about as much as the rest of building a v3 Authorization header apart from the RSA signature.
 */
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** A random `[A-Za-z0-9]` string (WeChat nonces are ≤ 32 characters). */
export function nonceStr(length = 32): string {
  if (length > pool.length) throw new RangeError(`nonce length ${length} exceeds ${pool.length}`);
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = '';
  // 256 % 62 leaves a slight bias towards the first 8 characters: harmless for a nonce, which only
  // has to be unpredictable and not repeat, not uniformly distributed.
  for (let i = 0; i < length; i++) out += ALPHABET[pool[offset + i]! % 62];
  offset += length;
  return out;
}

/** Seconds since the epoch, as WeChat timestamps are. */
export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}
