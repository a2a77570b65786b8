import { type Env, optional } from './env-reader.js';
import { ServiceConfigError } from './service-config-error.js';

/** The daily reconciliation: when it runs, and the fee rate it checks the bill's fees against. */
export interface ReconciliationConfig {
  /** Off only with `RECONCILIATION=off`: a merchant who reconciles elsewhere. */
  enabled: boolean;
  /** China time of the daily run for the day before; WeChat publishes bills by about 10:00. */
  runAt: { hour: number; minute: number };
  /** The merchant's fee rate in basis points (`WECHATPAY_FEE_RATE=0.6%` → 60); fees unchecked when absent. */
  feeRateBasisPoints?: number;
}

export const DEFAULT_RECONCILIATION: ReconciliationConfig = { enabled: true, runAt: { hour: 10, minute: 0 } };

/** `RECONCILIATION` (on/off), `RECONCILIATION_TIME` (`HH:mm`, China time), `WECHATPAY_FEE_RATE` (`0.6%`). */
export function reconciliationConfig(env: Env): ReconciliationConfig {
  const switched = optional(env, 'RECONCILIATION') ?? 'on';
  if (switched !== 'on' && switched !== 'off') {
    throw new ServiceConfigError('RECONCILIATION', 'must be on or off');
  }
  const time = optional(env, 'RECONCILIATION_TIME') ?? '10:00';
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new ServiceConfigError('RECONCILIATION_TIME', 'must be HH:mm (China time), e.g. 10:00');
  const rate = optional(env, 'WECHATPAY_FEE_RATE');
  return {
    enabled: switched === 'on',
    runAt: { hour: Number(m[1]), minute: Number(m[2]) },
    ...(rate === undefined ? {} : { feeRateBasisPoints: feeRate(rate) }),
  };
}

/** `0.6%` or `0.6` (percent) → 60 basis points; at most two decimals, below 10%. */
function feeRate(text: string): number {
  const m = /^(\d)(?:\.(\d{1,2}))?%?$/.exec(text.trim());
  if (!m) throw new ServiceConfigError('WECHATPAY_FEE_RATE', 'must be a percentage like 0.6% or 0.38%');
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
