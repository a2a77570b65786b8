import type { V2SignType } from '@wechatpay-kit/sdk';
import { UsageError } from '../command.js';

/**
 * `sign` and `verify` name the protocol version first, leaving room for v3 (which signs requests
 * with the merchant's private key, a different set of options).
 */
export function requireV2(positionals: string[], command: string): void {
  if (positionals[0] !== 'v2') {
    throw new UsageError(
      `${command} needs the protocol version: wxpay ${command} v2 … (only v2 is supported)`,
    );
  }
}

/** `--type`, case-insensitive, as one of the two sign types v2 defines. */
export function parseSignType(value: string): V2SignType {
  const upper = value.toUpperCase();
  if (upper === 'MD5' || upper === 'HMAC-SHA256') return upper;
  throw new UsageError(`--type must be MD5 or HMAC-SHA256, got "${value}"`);
}
