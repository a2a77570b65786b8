/**
 * What a process holds, as the process itself sees it, after two full GCs (it must run with
 * `--expose-gc`, else `gc` is false and heap figures include garbage): memory, open file
 * descriptors, and active resources by kind. Timers that are `unref`ed do not appear among the
 * active resources; a stream's share of them is checked through its own counters instead.
 */
import { readdirSync } from 'node:fs';

export function processCensus() {
  global.gc?.();
  global.gc?.();
  const memory = process.memoryUsage();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  return {
    gc: typeof global.gc === 'function',
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    fds: readdirSync('/proc/self/fd').length,
    resources,
    cpuUs: cpuUs(),
  };
}

/** user + system CPU of this process so far, µs. */
export function cpuUs() {
  const { user, system } = process.cpuUsage();
  return user + system;
}
