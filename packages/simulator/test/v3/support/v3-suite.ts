import type { V3Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll } from 'vitest';
import type { V3SigningMode } from '../../../src/engine/sim-records.js';
import type { RunningSimulator } from '../../../src/simulator-server.js';
import { hookFixtures } from '../../support/hook-fixtures.js';
import { clientFor, startV3Simulator } from './v3-test-kit.js';

/** What a v3 test works against; read inside hooks and tests, once the suite has started. */
export interface V3Suite {
  readonly sim: RunningSimulator;
  /** Our SDK's client, configured as a merchant in the suite's signing mode must configure it. */
  readonly wxpay: V3Client;
}

/**
 * Registers the hooks of a v3 suite: one simulator signing in `mode` and one SDK client for the
 * whole `describe`, closed after it. Hooks the suite adds afterwards run after these start and
 * before these stop, so they can use both.
 */
export function useV3Suite(mode: V3SigningMode): V3Suite {
  const { view, made, fill } = hookFixtures<V3Suite>();

  beforeAll(async () => {
    const sim = await startV3Simulator(mode);
    fill({ sim, wxpay: clientFor(sim) });
  });
  afterAll(async () => {
    await made.wxpay?.close();
    await made.sim?.stop();
  });

  return view;
}
