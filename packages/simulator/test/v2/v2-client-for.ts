import { V2Client } from '@wechatpay-kit/sdk';
import type { RunningSimulator } from '../../src/simulator-server.js';

/**
 * Our SDK's V2Client for the simulator's demo merchant, as that merchant configures it; `extra` adds
 * or overrides what a test is about (sign type, sandbox, TLS, retries).
 */
export function v2ClientFor(
  sim: RunningSimulator,
  extra: Partial<ConstructorParameters<typeof V2Client>[0]> = {},
): V2Client {
  return new V2Client({
    appid: sim.merchant.appid,
    mchid: sim.merchant.mchid,
    apiKey: sim.merchant.apiKey,
    baseUrl: sim.url,
    ...extra,
  });
}
