import { useStarted } from '../../support/use-started.js';
import { type PlatformSim, startPlatformSim } from './platform-sim.js';

/** A platform simulator for the tests of the enclosing scope (the file, or the `describe` it is called in). */
export function usePlatformSim(): PlatformSim {
  return useStarted(
    'platform simulator',
    () => startPlatformSim(),
    (p) => p.close(),
  );
}
