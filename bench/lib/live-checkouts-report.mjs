/**
 * Suite H's table and headlines: what one open checkout page costs the service against what it
 * costs a bare node:http server, the burst of payments, and whether everything an open page held
 * is given back when it closes (a leak prints LEAK).
 */
import { ms } from './service-phases.mjs';

const KB = 1024;

export function presentLiveCheckouts(m) {
  const { watchers, limit, held, after, heartbeat, burst, floor } = m;
  const { idle, busy } = held;
  const open = sumOpen(held.opened);
  const floorOpen = sumOpen(floor.held.opened);
  const service = memoryPerStream(held, open.open);
  const bare = memoryPerStream(floor.held, floorOpen.open);
  const beatUs = heartbeat.tickUs / heartbeat.beats;
  const burstSize = burst.load.sent;
  const leaks = leakChecks(idle, busy, after);
  const kb = (bytes) => `${(bytes / KB).toFixed(2)} KB`;
  const times = (a, b) => `${(a / b).toFixed(2)}×`;
  const rows = [
    ['streams open', `${open.open} of ${watchers}`, `${floorOpen.open} of ${watchers}`, ''],
    [
      'time to open them all (256 opening at a time), s',
      open.seconds.toFixed(1),
      floorOpen.seconds.toFixed(1),
      times(open.seconds, floorOpen.seconds),
    ],
    [
      'one stream: request → first event, p50 / p99 ms',
      `${ms(open.p50Ms)} / ${ms(open.p99Ms)}`,
      `${ms(floorOpen.p50Ms)} / ${ms(floorOpen.p99Ms)}`,
      '',
    ],
    [
      'RSS per open stream, above the idle process',
      kb(service.rss),
      kb(bare.rss),
      times(service.rss, bare.rss),
    ],
    [
      `RSS per stream, marginal (the second ${half(open.open)})`,
      kb(service.marginalRss),
      kb(bare.marginalRss),
      times(service.marginalRss, bare.marginalRss),
    ],
    [
      'JS heap per open stream, above idle (after full GCs)',
      kb(service.heap),
      kb(bare.heap),
      times(service.heap, bare.heap),
    ],
    [
      'JS heap per stream, marginal',
      kb(service.marginalHeap),
      kb(bare.marginalHeap),
      times(service.marginalHeap, bare.marginalHeap),
    ],
    [
      'file descriptors: idle → open → all closed',
      `${idle.fds} → ${busy.fds} → ${after.fds}`,
      `${floor.held.idle.fds} → ${floor.held.busy.fds}`,
      '',
    ],
    [
      'heartbeat: CPU µs per stream per heartbeat',
      beatUs.toFixed(2),
      floor.heartbeatUs.toFixed(2),
      times(beatUs, floor.heartbeatUs),
    ],
    [
      'event-loop delay during the heartbeat interval, p99 / max ms',
      `${ms(heartbeat.loop.p99Ms)} / ${ms(heartbeat.loop.maxMs)}`,
      '',
      '',
    ],
    [
      `burst: ${burstSize} notifications, last answer after the first left, ms`,
      ms(burst.lastAnswerMs),
      '',
      '',
    ],
    [
      `burst: last of ${burst.seen} PAID events after the first notification left, ms`,
      ms(burst.lastEventMs),
      '',
      '',
    ],
    [
      'burst: per stream, its notification leaving → its PAID event, p50 / p99 ms',
      `${ms(burst.p50Ms)} / ${ms(burst.p99Ms)}`,
      '',
      '',
    ],
    [
      'burst: notification answers, p50 / p99 ms (the event leaves before the answer)',
      `${ms(burst.load.p50Ms)} / ${ms(burst.load.p99Ms)}`,
      '',
      '',
    ],
  ];
  const problems = [
    ...m.notes,
    ...held.opened.flatMap((o) => o.firstErrors.map((e) => `PROBLEM opening a stream: ${e}`)),
    ...burst.load.firstErrors.map((e) => `PROBLEM notification: ${e}`),
    ...(burst.seen < burstSize
      ? [`PROBLEM ${burstSize - burst.seen} of ${burstSize} paid streams never saw PAID`]
      : []),
    ...(m.paid < burstSize ? [`PROBLEM only ${m.paid} of ${burstSize} burst orders PAID`] : []),
    ...(idle.gc ? [] : ['PROBLEM the service ran without --expose-gc: heap figures include garbage']),
    ...(heartbeat.beats === open.open
      ? []
      : [`PROBLEM ${heartbeat.beats} heartbeats in one interval for ${open.open} streams`]),
  ];
  return {
    id: 'live-checkouts',
    title: `H. ${watchers.toLocaleString('en-US')} live checkouts (SSE streams) on one instance (SQLite), against a bare node:http server`,
    notes: [
      `descriptor limit (ulimit -n) ${limit.soft} soft / ${limit.hard} hard; each stream is one socket, so one descriptor in the service and one in the watchers`,
      `memory: process.memoryUsage() after two full GCs, idle (route warmed, no stream: RSS ${mbOf(idle.rss)}, heap ${mbOf(idle.heapUsed)}), with half and with every stream open`,
      `heartbeat: the service's CPU sampled every 20 ms over one whole ${m.heartbeatMs / 1000} s interval with every stream open and idle; the tick = the samples around the watchers' ${heartbeat.beats} heartbeats (they arrived within ${ms(heartbeat.spreadMs)} ms) less the median sample (${heartbeat.bucketBaselineUs.toFixed(0)} µs); ${(heartbeat.tickUs / 1000).toFixed(1)} ms of the interval's ${(heartbeat.intervalUs / 1000).toFixed(1)} ms`,
      `burst: WeChat's v3 TRANSACTION.SUCCESS callbacks for ${burstSize} of the watched orders, built beforehand and sent to POST /api/notify/v3 at c=32 by the watcher process itself (one clock); ${m.paid} PAID`,
      `after: every watcher closed at once; the service had no open stream ${(m.drained / 1000).toFixed(1)} s later; resources idle ${describe(idle.resources)}, open ${describe(busy.resources)}, after ${describe(after.resources)}`,
      ...problems,
    ],
    header: ['measure', 'service', 'floor: bare node:http', 'service / floor'],
    rows,
    headlines: [
      {
        label: 'memory per open checkout page: RSS above the idle process',
        value: service.rss / KB,
        display: kb(service.rss),
        target: '≤ 10 KB',
        max: 10,
      },
      {
        label: `  marginal RSS of the second ${half(open.open)} pages (moves with V8's heap growth steps)`,
        value: service.marginalRss / KB,
        display: kb(service.marginalRss),
      },
      {
        label: '  RSS above idle over a bare node:http server holding the same streams',
        value: service.rss / bare.rss,
        display: times(service.rss, bare.rss),
      },
      {
        label: '  JS heap per page over the bare server’s',
        value: service.heap / bare.heap,
        display: times(service.heap, bare.heap),
      },
      {
        label: `  time to open ${open.open.toLocaleString('en-US')} streams (s)`,
        value: open.seconds,
        display: open.seconds.toFixed(1),
      },
      {
        label: `fan-out: last watcher's PAID event after the first of ${burstSize} payments`,
        value: burst.lastEventMs,
        display: `${ms(burst.lastEventMs)} ms`,
      },
      {
        label: '  the same burst’s last notification answer (the floor: an event cannot precede its payment)',
        value: burst.lastAnswerMs,
        display: `${ms(burst.lastAnswerMs)} ms`,
      },
      {
        label: '  per watcher, its payment → its event, p50 / p99',
        value: burst.p50Ms,
        display: `${ms(burst.p50Ms)} / ${ms(burst.p99Ms)} ms`,
      },
      {
        label: 'heartbeat cost: CPU per watcher per heartbeat',
        value: beatUs,
        display: `${beatUs.toFixed(2)} µs`,
      },
      {
        label: '  over a bare node:http write of the same heartbeat',
        value: beatUs / floor.heartbeatUs,
        display: times(beatUs, floor.heartbeatUs),
      },
      {
        label: `  share of one core for ${open.open.toLocaleString('en-US')} idle watchers`,
        value: (beatUs * open.open) / (m.heartbeatMs * 1000),
        display: `${((100 * beatUs * open.open) / (m.heartbeatMs * 1000)).toFixed(2)} %`,
      },
      ...leaks,
    ],
  };
}

/** Everything an open page held must be given back: descriptors, handles, streams, subscriptions, heap. */
function leakChecks(idle, busy, after) {
  const check = (label, before, later, allowed = 0, unit = '') => {
    const grown = later - before;
    const leak = grown > allowed;
    return {
      label: `  after they all closed: ${label}`,
      value: leak ? 1 : 0,
      display: `${leak ? 'LEAK ' : ''}${fmt(before)} → ${fmt(later)}${unit}`,
      target: allowed > 0 ? `≤ +${fmt(allowed)}${unit}` : 'as idle',
      max: 0,
    };
  };
  const handles = (r) => Object.values(r).reduce((a, b) => a + b, 0);
  const mb = (b) => b / (KB * KB);
  return [
    check('open file descriptors', idle.fds, after.fds),
    check('active handles and ref’d timers', handles(idle.resources), handles(after.resources)),
    check('open SSE streams (each one’s place in the shared heartbeat)', idle.open, after.open),
    check('orders with event-bus listeners', idle.watchedOrders ?? 0, after.watchedOrders ?? 0),
    // Code compiled and caches filled on the way stay; a tenth of what the streams held is a leak.
    check(
      'JS heap, MB',
      mb(idle.heapUsed),
      mb(after.heapUsed),
      mb(busy.heapUsed - idle.heapUsed) / 10,
      ' MB',
    ),
  ];
}

/** Bytes per stream: above idle (all open − idle) and marginal (all open − half open). */
function memoryPerStream({ idle, half: halfOpen, busy }, n) {
  const second = n - Math.floor(n / 2);
  return {
    rss: (busy.rss - idle.rss) / n,
    heap: (busy.heapUsed - idle.heapUsed) / n,
    marginalRss: (busy.rss - halfOpen.rss) / second,
    marginalHeap: (busy.heapUsed - halfOpen.heapUsed) / second,
  };
}

function half(n) {
  return (n - Math.floor(n / 2)).toLocaleString('en-US');
}

/** Halves open one after the other, each over all watcher processes at once. */
function sumOpen(parts) {
  const halves = [parts.slice(0, parts.length / 2), parts.slice(parts.length / 2)];
  return {
    open: parts.reduce((a, p) => a + p.open, 0),
    seconds: halves.reduce((a, h) => a + Math.max(...h.map((p) => p.seconds)), 0),
    p50Ms: parts[0].p50Ms,
    p99Ms: parts[0].p99Ms,
  };
}

function describe(resources) {
  return Object.entries(resources)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function mbOf(bytes) {
  return `${(bytes / (KB * KB)).toFixed(0)} MB`;
}

function fmt(x) {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
