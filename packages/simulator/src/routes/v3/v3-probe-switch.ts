import { randomBytes } from 'node:crypto';
import type { MerchantRegistry } from '../../engine/merchant-registry.js';
import type { SimContext } from '../../sim-context.js';

/** WeChat's probe signatures start with this; a merchant that accepts one is not verifying. */
const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** The switch is per simulator; its merchant registry is the one object each simulator has alone. */
export type ProbeSwitchDeps = Pick<SimContext, 'merchants'>;

const pending = new WeakMap<MerchantRegistry, { remaining: number }>();

/**
 * Makes the next `count` v3 answers carry a probe signature (`WECHATPAY/SIGNTEST/…`) instead of a
 * real one, as WeChat does now and then to check that merchants really verify. For the control API.
 */
export function requestProbeSignatures(ctx: ProbeSwitchDeps, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  pending.set(ctx.merchants, { remaining: count });
}

/** How many answers are still to be probe-signed. */
export function pendingProbeSignatures(ctx: ProbeSwitchDeps): number {
  return pending.get(ctx.merchants)?.remaining ?? 0;
}

/** A probe signature for this answer if one is due (consumes it), otherwise undefined. */
export function takeProbeSignature(ctx: ProbeSwitchDeps): string | undefined {
  const state = pending.get(ctx.merchants);
  if (!state || state.remaining <= 0) return undefined;
  state.remaining -= 1;
  return PROBE_PREFIX + randomBytes(192).toString('base64');
}
