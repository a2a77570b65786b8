/**
 * A small hand-rolled harness instead of tinybench: on a 2-core machine the only numbers worth
 * reading are ratios, and ratios are only fair when the cases compared see the same machine state.
 * So the cases of a suite run interleaved in many short rounds — round 1 of every case, then round 2
 * of every case in rotated order, and so on — and a ratio between two cases is the median of their
 * per-round ratios. A noisy neighbour or a frequency change then slows both sides of a pair instead
 * of all rounds of one case.
 */
import { hrtime } from 'node:process';

/**
 * @typedef {object} Case
 * @property {string} id stable key used in JSON and ratios
 * @property {string} label what the table shows
 * @property {() => unknown} fn one operation; may return a promise when `async` is set
 * @property {boolean} [async] await each call (peers whose API is a promise)
 * @property {string} [status] 'pending: …' or 'error: …' — the case is listed but not measured
 */

/**
 * @typedef {object} Options
 * @property {number} rounds
 * @property {number} roundMs target wall time of one round of one case
 * @property {number} warmupMs time spent warming the JIT and estimating the per-op cost
 */

/** Defaults sized so both suites finish in ~30 s on a 2-core machine; override with env vars. */
export const defaultOptions = {
  rounds: intFromEnv('BENCH_ROUNDS', 60),
  roundMs: intFromEnv('BENCH_ROUND_MS', 40),
  warmupMs: intFromEnv('BENCH_WARMUP_MS', 300),
};

/** Keeps results reachable so no engine can prove an operation dead. */
let _blackhole;

/**
 * Measures every runnable case and returns one result per case, in input order.
 * @param {Case[]} cases
 * @param {Options} options
 */
export async function measure(cases, options = defaultOptions) {
  const runnable = cases.filter((c) => !c.status);
  const perRound = new Map();
  for (const c of runnable) perRound.set(c.id, await calibrate(c, options));

  const samples = new Map(runnable.map((c) => [c.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < runnable.length; i++) {
      const c = runnable[(i + round) % runnable.length];
      const n = perRound.get(c.id);
      const ns = await timeBatch(c, n);
      samples.get(c.id).push(ns / n);
    }
  }

  return cases.map((c) => {
    if (c.status) return { id: c.id, label: c.label, status: c.status };
    const perOpNs = samples.get(c.id);
    const sorted = [...perOpNs].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    return {
      id: c.id,
      label: c.label,
      status: 'ok',
      opsPerSec: 1e9 / median,
      usPerOp: median / 1e3,
      minUs: sorted[0] / 1e3,
      maxUs: sorted[sorted.length - 1] / 1e3,
      spread: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / median,
      opsPerRound: perRound.get(c.id),
      roundsNsPerOp: perOpNs,
    };
  });
}

/**
 * How many times more one operation of `a` costs than one of `b`: the median over rounds of
 * a[round] / b[round]. Undefined unless both were measured.
 */
export function pairedRatio(a, b) {
  if (a?.status !== 'ok' || b?.status !== 'ok') return undefined;
  const ratios = a.roundsNsPerOp.map((ns, round) => ns / b.roundsNsPerOp[round]).sort((x, y) => x - y);
  return quantile(ratios, 0.5);
}

/** Runs the case for `warmupMs` and returns how many operations fill one round. */
async function calibrate(c, { warmupMs, roundMs }) {
  let n = 0;
  const start = hrtime.bigint();
  const deadline = start + BigInt(warmupMs) * 1_000_000n;
  while (n < 3 || hrtime.bigint() < deadline) {
    _blackhole = c.async ? await c.fn() : c.fn();
    n++;
  }
  const nsPerOp = Number(hrtime.bigint() - start) / n;
  return Math.max(1, Math.round((roundMs * 1e6) / nsPerOp));
}

async function timeBatch(c, n) {
  const fn = c.fn;
  let start;
  if (c.async) {
    start = hrtime.bigint();
    for (let i = 0; i < n; i++) _blackhole = await fn();
  } else {
    start = hrtime.bigint();
    for (let i = 0; i < n; i++) _blackhole = fn();
  }
  return Number(hrtime.bigint() - start);
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function intFromEnv(name, fallback) {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
