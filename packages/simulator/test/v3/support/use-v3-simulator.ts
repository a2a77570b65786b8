import type { V3SigningMode } from '../../../src/engine/sim-records.js';
import type { RunningSimulator } from '../../../src/simulator-server.js';
import { useStarted } from '../../support/use-started.js';
import { startV3Simulator } from './v3-test-kit.js';

/**
 * A simulator whose demo merchant signs v3 answers in `mode`, for the tests of the enclosing
 * `describe`; for suites that talk to it without our SDK's client (see `useV3Suite` for those with).
 */
export function useV3Simulator(mode: V3SigningMode): RunningSimulator {
  return useStarted(
    'simulator',
    () => startV3Simulator(mode),
    (sim) => sim.stop(),
  );
}
