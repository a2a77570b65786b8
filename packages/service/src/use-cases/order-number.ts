import { randomInt } from 'node:crypto';
import { CHINA_OFFSET_MS } from '../domain/index.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A new `out_trade_no`: `yyyyMMddHHmmss` (China time, so it reads like WeChat's own timestamps and
 * sorts by creation) + 10 random base-62 characters (~59 bits, so two instances never collide).
 * 24 characters of `[0-9A-Za-z]`, inside WeChat's 6–32 of `[0-9A-Za-z_-|*]`.
 */
export function newOrderNo(now: Date): string {
  const stamp = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
  let random = '';
  for (let i = 0; i < 10; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${stamp}${random}`;
}
