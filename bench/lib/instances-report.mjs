/**
 * Suite G's table and headlines: the 1- and 2-instance loads side by side, where the machine's CPU
 * went in each, and payment → SSE latency on the notified instance against the other one.
 */
import { availableParallelism } from 'node:os';
import { percentile } from './http-load.mjs';
import { describeRoundTrips } from './pg-round-trips.mjs';
import { ms } from './service-phases.mjs';

const PROCESSES = ['instance A', 'instance B', 'proxy', 'outside world', 'bench'];

export function presentInstances({ phases, lowLoad, proxyStats, poolSize }) {
  const [one, two] = phases.map(describePhase);
  const low = sseLatency(lowLoad);
  const loaded = phases.map((p) => sseLatency(p.underLoad));
  const rows = [];
  for (const p of [one, two]) {
    rows.push(loadRow(`POST /api/orders v3 Native, ${p.label} (c=16)`, p.orders));
    rows.push(loadRow(`POST /api/notify/v3, ${p.label} (c=32)`, p.notifications));
  }
  const sseRow = (label, latency) => [label, '', ms(latency.p50), ms(latency.p99), '', '', '', '', ''];
  rows.push(sseRow(`pay → SSE, browser on A (notified), low load, ${low.n} payments`, low.same));
  rows.push(sseRow('pay → SSE, browser on B (other instance, LISTEN/NOTIFY), same payments', low.cross));
  for (const [i, l] of loaded.entries()) {
    rows.push(sseRow(`pay → SSE on A during the ${phases[i].count}-instance notifications (${l.n})`, l.same));
    rows.push(sseRow(`pay → SSE on B during the ${phases[i].count}-instance notifications`, l.cross));
  }
  const shares = (p) =>
    PROCESSES.concat('postgres', 'kernel', 'steal', 'other', 'idle')
      .map((k) => `${k} ${pct(p.share[k])}`)
      .join(', ');
  const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
  return {
    notes: [
      `${one.paidLine}; ${two.paidLine}; instances' pools ${poolSize} connections each, one PostgreSQL schema`,
      'CPU per op from /proc/<pid>/stat of each process over the load (10 ms ticks), PostgreSQL = all its processes;',
      `shares are of the machine's ${availableParallelism()} cores over the load's wall time; kernel = irq + softirq (loopback TCP), steal = taken by the hypervisor, other = other jobs on the machine`,
      `CPU shares, orders with 1 instance: ${shares(one.orders)}`,
      `CPU shares, orders with 2 instances: ${shares(two.orders)}`,
      `CPU shares, notifications with 1 instance: ${shares(one.notifications)}`,
      `CPU shares, notifications with 2 instances: ${shares(two.notifications)}`,
      `round trips per notification, 2 instances: ${two.notifications.tripsLine}`,
      `event loop p99: A ${ms(two.notifications.loopP99[0])} ms, B ${ms(two.notifications.loopP99[1])} ms (2-instance notifications)`,
      `proxy: ${proxyStats.passed.join(' + ')} requests passed to A + B (last load), ${proxyStats.retried} retried, ${proxyStats.failed} failed`,
      `pay → SSE = from the start of the simulator's pay call (the buyer confirms) to the PAID event in the browser; WeChat notifies A; ${low.missing} of ${low.n} never arrived on B`,
      `what limits 2 instances here: ${limitOf(two.notifications)}`,
      ...[one, two].flatMap((p) => p.problems),
    ],
    header: [
      'measure',
      'per s',
      'p50 ms',
      'p99 ms',
      'A+B µs/op',
      'proxy µs/op',
      'PostgreSQL µs/op',
      'outside µs/op',
      'round trips/op',
    ],
    rows,
    headlines: [
      {
        label: 'v3 notifications applied/s through the proxy, 1 instance',
        value: one.notifications.applied,
        display: one.notifications.applied.toFixed(0),
      },
      {
        label: '  the same, 2 instances (same run, same schema)',
        value: two.notifications.applied,
        display: two.notifications.applied.toFixed(0),
      },
      {
        label: '  2 instances / 1 instance',
        value: ratio(two.notifications.applied, one.notifications.applied),
        display: `${ratio(two.notifications.applied, one.notifications.applied).toFixed(2)}×`,
      },
      {
        label: '  service CPU per notification, summed over the instances (1 → 2)',
        value: two.notifications.instancesUs,
        display: `${one.notifications.instancesUs.toFixed(0)} → ${two.notifications.instancesUs.toFixed(0)} µs`,
      },
      {
        label: '  machine CPU per notification: instances + proxy + PostgreSQL + outside world (1 → 2)',
        value: two.notifications.machineUs,
        display: `${one.notifications.machineUs.toFixed(0)} → ${two.notifications.machineUs.toFixed(0)} µs`,
      },
      {
        label: '  PostgreSQL round trips per notification, both instances (2 instances)',
        value: two.notifications.trips,
        display: two.notifications.trips.toFixed(2),
        target: '≤ 3',
        max: 3,
      },
      {
        label: '  cores busy during the 2-instance notifications',
        value: 1 - two.notifications.share.idle,
        display: pct(1 - two.notifications.share.idle),
      },
      {
        label: 'v3 Native orders/s through the proxy, 1 → 2 instances',
        value: ratio(two.orders.applied, one.orders.applied),
        display: `${one.orders.applied.toFixed(0)} → ${two.orders.applied.toFixed(0)} (${ratio(two.orders.applied, one.orders.applied).toFixed(2)}×)`,
      },
      {
        label: '  service CPU per order, summed over the instances (1 → 2)',
        value: two.orders.instancesUs,
        display: `${one.orders.instancesUs.toFixed(0)} → ${two.orders.instancesUs.toFixed(0)} µs`,
      },
      {
        label: 'pay → SSE p50, browser on the other instance (LISTEN/NOTIFY), low load',
        value: low.cross.p50,
        display: `${ms(low.cross.p50)} ms`,
        target: '≤ 20 ms',
        max: 20,
      },
      {
        label: '  p99 of the same',
        value: low.cross.p99,
        display: `${ms(low.cross.p99)} ms`,
      },
      {
        label: '  floor: the same payments on the notified instance, p50 / p99',
        value: low.same.p50,
        display: `${ms(low.same.p50)} / ${ms(low.same.p99)} ms`,
      },
      {
        label: '  the NOTIFY hop (other − notified, per payment), p50 / p99',
        value: low.hop.p50,
        display: `${ms(low.hop.p50)} / ${ms(low.hop.p99)} ms`,
      },
      ...loaded.map((l, i) => ({
        label: `  other instance during the ${phases[i].count}-instance notifications, p50 / p99 (${l.n} payments)`,
        value: l.cross.p50,
        display: `${ms(l.cross.p50)} / ${ms(l.cross.p99)} ms`,
      })),
    ],
    details: { phases: [one, two], lowLoad: low, underLoad: loaded, proxyStats },
  };
}

/** One phase's two loads, per operation. */
function describePhase(phase) {
  const label = phase.count === 1 ? '1 instance' : `${phase.count} instances`;
  const lost = phase.paid !== phase.expected;
  const problems = [phase.orders, phase.notifications].flatMap((l) =>
    l.result.firstErrors.map((e) => `PROBLEM ${label}: ${e}`),
  );
  return {
    label,
    orders: perOp(phase.orders, true),
    notifications: perOp(phase.notifications, !lost),
    paidLine: `${label}: ${phase.paid} of ${phase.expected} notified orders PAID${lost ? ' (NOT APPLIED: counted 0/s)' : ''}`,
    problems,
  };
}

function perOp({ result, cpu, perInstance }, counts) {
  const n = Math.max(1, result.ok);
  const per = (us) => (us === undefined ? undefined : us / n);
  const instancesUs = per((cpu.named['instance A'] ?? 0) + (cpu.named['instance B'] ?? 0));
  const trips = perInstance.reduce((sum, m) => sum + m.roundTrips.total, 0);
  const byKind = {};
  for (const m of perInstance) {
    for (const [k, v] of Object.entries(m.roundTrips.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
  }
  const share = { idle: 1 - cpu.machineBusy / cpu.machineTotal, other: cpu.other / cpu.machineTotal };
  for (const name of PROCESSES) share[name] = cpu.named[name] / cpu.machineTotal;
  share.postgres = cpu.postgres / cpu.machineTotal;
  share.kernel = cpu.kernel / cpu.machineTotal;
  share.steal = cpu.steal / cpu.machineTotal;
  const sum = (names) => names.reduce((a, k) => a + (cpu.named[k] ?? 0), 0);
  return {
    applied: counts ? result.perSecond : 0,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    instancesUs,
    proxyUs: per(cpu.named.proxy),
    postgresUs: per(cpu.postgres),
    worldUs: per(cpu.named['outside world']),
    machineUs: per(sum(['instance A', 'instance B', 'proxy', 'outside world']) + (cpu.postgres ?? 0)),
    trips: trips / n,
    tripsLine: describeRoundTrips(
      {
        byKind,
        queryMs: perInstance.reduce((a, m) => a + m.roundTrips.queryMs, 0),
        poolWaitMs: perInstance.reduce((a, m) => a + m.roundTrips.poolWaitMs, 0),
      },
      n,
    ),
    loopP99: perInstance.map((m) => m.loop.p99Ms),
    share,
  };
}

function loadRow(label, p) {
  const us = (x) => (x === undefined ? 'n/a' : x.toFixed(0));
  return [
    label,
    Math.round(p.applied).toLocaleString('en-US'),
    ms(p.p50Ms),
    ms(p.p99Ms),
    us(p.instancesUs),
    us(p.proxyUs),
    us(p.postgresUs),
    us(p.worldUs),
    p.trips.toFixed(2),
  ];
}

/** The plain reading of a load's CPU shares: saturated cores and who holds them, or waiting. */
function limitOf(p) {
  const { share } = p;
  const ranked = [...PROCESSES, 'postgres', 'kernel', 'steal', 'other']
    .map((k) => [k, share[k] ?? 0])
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', ');
  return share.idle < 0.1
    ? `the cores are saturated (idle ${pct(share.idle)}): ${ranked}; a second instance adds no core to share`
    : `the cores are not saturated (idle ${pct(share.idle)}: ${ranked}); the limit is waiting, not CPU`;
}

/** p50 / p99 of the notified (index 0) and other instance's (index 1) delays, NaN dropped. */
function sseLatency(samples) {
  const of = (pick) => samples.map(pick).filter(Number.isFinite);
  const quantiles = (values) => ({ p50: percentile(values, 0.5), p99: percentile(values, 0.99) });
  const cross = of((s) => s.ms[1]);
  return {
    n: samples.length,
    missing: samples.length - cross.length,
    same: quantiles(of((s) => s.ms[0])),
    cross: quantiles(cross),
    hop: quantiles(of((s) => s.ms[1] - s.ms[0])),
  };
}

function pct(x) {
  return x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(0)} %`;
}
