/**
 * H. 10,000 live checkouts on one instance (issue 15 § 2): open checkout pages, each a real
 * `GET /api/orders/:orderNo/events` for its own open order, held by watcher processes
 * (`lib/sse-watchers.mjs`) against one service instance in a process of its own (SQLite), so its
 * memory, descriptors and CPU are the service's alone. Then a bare `node:http` server holding the
 * same streams (`lib/bare-sse-server.mjs`): the floor of what Node itself costs per stream.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../lib/http-load.mjs';
import { forkChild } from '../lib/ipc-child.mjs';
import { presentLiveCheckouts } from '../lib/live-checkouts-report.mjs';
import { startOutsideWorld } from '../lib/outside-world-client.mjs';
import { startServiceInstance } from '../lib/service-instance-client.mjs';
import { NOTIFY_CONCURRENCY } from '../lib/service-phases.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const WATCHERS = env('BENCH_WATCHERS', 10_000);
const BURST = Math.min(WATCHERS, env('BENCH_WATCHERS_BURST', 1000));
/** Orders paid before the idle census, unwatched, to warm the payment path. */
const WARM_PAID = 500;
/** The service's heartbeat interval (`HEARTBEAT_MS` in packages/service/src/http/order-event-stream.ts). */
const HEARTBEAT_MS = 15_000;
/** Streams opening at once: a crowd arrives over time, not as one SYN flood. */
const OPENING = 256;
/** How often the service's CPU is sampled while the heartbeat interval runs. */
const SAMPLE_MS = 20;
/** Descriptors a process needs besides its sockets (stdio, IPC, libuv, the database). */
const SPARE_FDS = 256;

export async function runSuite() {
  const limit = openFilesLimit();
  const notes = [];
  const world = await startOutsideWorld();
  const dataDir = mkdtempSync(join(tmpdir(), 'wxkit-bench-watchers-'));
  const running = [];
  const stopAll = async () => {
    for (const r of running.splice(0).reverse()) await r.stop().catch(() => undefined);
  };
  try {
    // The orders come from a first process; a fresh one serves the watchers, so its idle memory
    // is not swollen by the heap the order load left behind.
    const first = await startServiceInstance(world.merchant, dataDir);
    const created = await world
      .call('createOrders', { serviceUrl: first.url, count: WATCHERS + WARM_PAID, concurrency: 16 })
      .finally(() => first.stop());
    const warmPaid = created.orders.splice(WATCHERS);
    const orderNos = created.orders.map((o) => o.orderNo);
    const service = await startServiceInstance(world.merchant, dataDir);
    running.push(service);
    // The payment path runs once before the idle census, so its compiled code is not counted as
    // what the pages left behind.
    await world.call('buildNotifications', { orders: warmPaid, set: 'warm-paid' });
    await world.call('sendNotifications', {
      serviceUrl: service.url,
      concurrency: NOTIFY_CONCURRENCY,
      set: 'warm-paid',
    });

    const perProcess = Math.max(1, limit.soft - SPARE_FDS);
    const groups = [];
    for (let i = 0; i < orderNos.length; i += perProcess) groups.push(orderNos.slice(i, i + perProcess));
    if (groups.length > 1)
      notes.push(`${groups.length} watcher processes: ${perProcess} descriptors each at most`);
    if (limit.soft < WATCHERS + SPARE_FDS) {
      notes.push(
        `PROBLEM the service's descriptor limit ${limit.soft} is below ${WATCHERS} streams + ${SPARE_FDS}`,
      );
    }
    const watchers = [];
    for (const _ of groups) {
      const w = await forkChild(new URL('../lib/sse-watchers.mjs', import.meta.url));
      running.push({ stop: () => w.call('stop').then(() => w.exited) });
      watchers.push(w);
    }
    const held = await holdStreams(service, service.url, { watchers, groups, orderNos });

    // One whole heartbeat interval with every page open and idle: every stream hears one heartbeat.
    const before = await heartbeats(watchers);
    await service.call('startMeters');
    const samples = await service.call('cpuSamples', { everyMs: SAMPLE_MS, forMs: HEARTBEAT_MS });
    const { loop } = await service.call('stopMeters');
    const heartbeat = { ...heartbeatCost(samples, await heartbeats(watchers), before.beats), loop };

    // A burst of payments: WeChat's callbacks for BURST of the watched orders.
    const burstOrders = created.orders.slice(0, BURST);
    await world.call('buildNotifications', { orders: burstOrders, set: 'burst' });
    const notifications = await world.call('exportNotifications', { set: 'burst' });
    const burst = await watchers[0].call('burst', {
      url: service.url,
      notifications,
      orderNos: burstOrders.map((o) => o.orderNo),
      concurrency: NOTIFY_CONCURRENCY,
    });
    const paid = await service.call('countPaid', { orderNos: burstOrders.map((o) => o.orderNo) });

    await Promise.all(watchers.map((w) => w.call('closeAll')));
    const drained = await settle(service);
    const after = await service.call('census');
    await service.stop();
    running.splice(running.indexOf(service), 1);

    const floor = await measureFloor({ watchers, groups, orderNos });
    return presentLiveCheckouts({
      watchers: WATCHERS,
      limit,
      notes,
      held,
      after,
      drained,
      heartbeat,
      heartbeatMs: HEARTBEAT_MS,
      burst,
      paid,
      floor,
    });
  } finally {
    await stopAll();
    await world.call('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Warms `server`'s stream route, then opens every watcher's streams on it in two halves, with a
 * census (after full GCs) idle, at half and with all open: memory above idle, and the marginal
 * memory of the second half, which the free room the idle heap already had cannot hide.
 */
async function holdStreams(server, url, { watchers, groups, orderNos }) {
  for (let round = 0; round < 3; round++) {
    await watchers[0].call('open', { url, orderNos: orderNos.slice(0, 500), concurrency: OPENING });
    await watchers[0].call('closeAll');
  }
  await settle(server);
  const idle = await server.call('census');
  const openHalf = (half) =>
    Promise.all(
      groups.map((g, i) => {
        const cut = Math.floor(g.length / 2);
        const part = half === 0 ? g.slice(0, cut) : g.slice(cut);
        return watchers[i].call('open', { url, orderNos: part, concurrency: OPENING });
      }),
    );
  const first = await openHalf(0);
  const half = await server.call('census');
  const second = await openHalf(1);
  const busy = await server.call('census');
  return { idle, half, busy, opened: [...first, ...second] };
}

/** The same streams held by a bare node:http server: memory per stream, one heartbeat's CPU. */
async function measureFloor({ watchers, groups, orderNos }) {
  const bare = await forkChild(new URL('../lib/bare-sse-server.mjs', import.meta.url), {
    execArgv: ['--expose-gc'],
  });
  try {
    const { url } = await bare.call('start');
    const held = await holdStreams(bare, url, { watchers, groups, orderNos });
    // The first pass still compiles; the floor is the best of three.
    const beats = [];
    for (let i = 0; i < 3; i++) beats.push(await bare.call('heartbeat'));
    await Promise.all(watchers.map((w) => w.call('closeAll')));
    const best = beats.reduce((a, b) => (b.cpuUs < a.cpuUs ? b : a));
    return { held, heartbeatUs: best.cpuUs / Math.max(1, best.streams) };
  } finally {
    await bare.call('stop').catch(() => undefined);
    bare.kill();
  }
}

/** Waits until the server holds no stream (at most 10 s); answers how long that took. */
async function settle(server) {
  const began = performance.now();
  for (let i = 0; i < 200; i++) {
    const { open } = await server.call('streams');
    if (open === 0) break;
    await sleep(50);
  }
  // Closed sockets finish closing on the next turns of the loop.
  await sleep(500);
  return performance.now() - began;
}

async function heartbeats(watchers) {
  const all = await Promise.all(watchers.map((w) => w.call('heartbeats')));
  return {
    beats: all.reduce((a, h) => a + h.beats, 0),
    firstAt: Math.min(...all.map((h) => h.firstAt)),
    lastAt: Math.max(...all.map((h) => h.lastAt)),
  };
}

/**
 * The heartbeat tick's CPU: the service's CPU in the samples around the moments the watchers got
 * their last heartbeat, less what a sample costs the rest of the interval (its median: the job
 * runner's polls, the sampler itself), over the heartbeats received in the interval.
 */
function heartbeatCost(samples, { beats, firstAt, lastAt }, beatsBefore) {
  const buckets = samples
    .slice(1)
    .map(([at, us], i) => ({ from: samples[i][0], to: at, us: us - samples[i][1] }));
  const inTick = (b) => b.to >= firstAt - 2 * SAMPLE_MS && b.from <= lastAt + SAMPLE_MS;
  const baseline = percentile(
    buckets.filter((b) => !inTick(b)).map((b) => b.us),
    0.5,
  );
  const tick = buckets.filter(inTick);
  return {
    beats: beats - beatsBefore,
    tickUs: tick.reduce((a, b) => a + b.us - baseline, 0),
    spreadMs: lastAt - firstAt,
    intervalUs: samples.at(-1)[1] - samples[0][1],
    bucketBaselineUs: baseline,
  };
}

/** This process's `ulimit -n` (children inherit it), from /proc/self/limits. */
function openFilesLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line
      .slice('Max open files'.length)
      .trim()
      .split(/\s+/)
      .map((v) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v)));
    return { soft, hard };
  } catch {
    return { soft: Number.POSITIVE_INFINITY, hard: Number.POSITIVE_INFINITY };
  }
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}
