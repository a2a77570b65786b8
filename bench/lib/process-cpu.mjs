/**
 * CPU time of processes and of the whole machine, read from /proc (Linux): a suite with the service
 * instances, the proxy and the outside world in processes of their own says where the two cores
 * went. Resolution is one clock tick (10 ms), fine over phases of seconds. Elsewhere every reading
 * is `undefined` and the suites print `n/a`.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** utime + stime of `pid` (all its threads, living and exited) in µs; `undefined` when unreadable. */
export function processCpuUs(pid) {
  const stat = readStat(pid);
  return stat === undefined ? undefined : stat.ticks * TICK_US;
}

/** The summed CPU of every process whose command name (`/proc/<pid>/stat`'s second field) is `name`. */
export function commandCpuUs(name) {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = readStat(pid);
      if (stat?.command === name) ticks += stat.ticks;
    }
    return ticks * TICK_US;
  } catch {
    return undefined;
  }
}

/**
 * The machine since boot, all cores: `{ busyUs, totalUs, kernelUs, stealUs }`. Idle and I/O wait
 * are not busy; `kernelUs` is interrupt and softirq time (loopback TCP is mostly softirq, charged to
 * no process), `stealUs` the time the hypervisor gave this VM's cores to another.
 */
export function machineCpuUs() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return {
      busyUs: (total - idle) * TICK_US,
      totalUs: total * TICK_US,
      kernelUs: (fields[5] + fields[6]) * TICK_US,
      stealUs: fields[7] * TICK_US,
    };
  } catch {
    return undefined;
  }
}

/**
 * A meter over named processes (`{ 'instance A': pid, … }`), every `postgres` process, and the
 * machine: `stop()` gives µs per name, `postgres`, `kernel` (irq + softirq), `steal`,
 * `machineBusy`, `machineTotal` (all cores), and `other` = machine busy − all of those (other jobs
 * on the machine).
 */
export function cpuShareMeter(pids) {
  const read = () => ({
    named: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuUs(pid)])),
    postgres: commandCpuUs('postgres'),
    machine: machineCpuUs(),
  });
  const started = read();
  const wall = performance.now();
  return {
    stop() {
      const ended = read();
      const named = Object.fromEntries(
        Object.keys(pids).map((name) => [name, diff(ended.named[name], started.named[name])]),
      );
      const postgres = diff(ended.postgres, started.postgres);
      const machineBusy = diff(ended.machine?.busyUs, started.machine?.busyUs);
      const machineTotal = diff(ended.machine?.totalUs, started.machine?.totalUs);
      const kernel = diff(ended.machine?.kernelUs, started.machine?.kernelUs);
      const steal = diff(ended.machine?.stealUs, started.machine?.stealUs);
      const known =
        Object.values(named).reduce((a, b) => a + (b ?? 0), 0) +
        (postgres ?? 0) +
        (kernel ?? 0) +
        (steal ?? 0);
      const other = machineBusy === undefined ? undefined : Math.max(0, machineBusy - known);
      return {
        named,
        postgres,
        kernel,
        steal,
        machineBusy,
        machineTotal,
        other,
        wallMs: performance.now() - wall,
      };
    },
  };
}

function diff(a, b) {
  return a === undefined || b === undefined ? undefined : a - b;
}

function readStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not Linux
  }
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { command: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}
