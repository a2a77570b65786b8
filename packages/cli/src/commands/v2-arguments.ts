import type { V2SignType } from '@wechatpay-kit/sdk';
import { expectPositionals, parseCommandArgs, requireSecret } from '../arg-parser.js';
import { type CliIo, UsageError } from '../command.js';
import { readInput } from '../input-reader.js';
import { type ParsedV2Body, parseV2Body } from '../v2-body-parser.js';

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

/** What `sign v2` and `verify v2` are given: the key, the `--type` if set, and the body read in. */
export interface V2SignInput {
  key: string;
  signType: V2SignType | undefined;
  body: ParsedV2Body;
}

/** Reads `v2 [--key KEY] [--type TYPE] [FILE|-]` for `command`, the key defaulting to `$WXPAY_KEY`. */
export async function readV2SignInput(args: string[], io: CliIo, command: string): Promise<V2SignInput> {
  const { values, positionals } = parseCommandArgs(args, {
    key: { type: 'string' },
    type: { type: 'string' },
  });
  requireV2(positionals, command);
  expectPositionals(positionals, 2, 'one FILE');
  const key = requireSecret(values.key, '--key', 'WXPAY_KEY', io.env);
  const signType = values.type === undefined ? undefined : parseSignType(values.type);
  return { key, signType, body: parseV2Body(await readInput(positionals[1], io)) };
}
