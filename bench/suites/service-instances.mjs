/**
 * G. Two service instances on one PostgreSQL database (issue 15 § 1). Instances A and B each run in
 * a child process of their own (`lib/service-instance.mjs`), behind the round-robin proxy, itself
 * in a child (`lib/proxy-process.mjs`); the outside world (simulator, buyers, WeChat's sender, the
 * browsers) in another. This process only conducts, and reads every process's CPU from /proc.
 *
 * Same run, same schema: orders and v3 notifications through the proxy with 1 instance behind it,
 * then with 2; then payment → SSE latency with the browser on the other instance than the one
 * WeChat notifies (LISTEN/NOTIFY), against the same payment's event on the notified instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presentInstances } from '../lib/instances-report.mjs';
import { forkChild } from '../lib/ipc-child.mjs';
import { startOutsideWorld } from '../lib/outside-world-client.mjs';
import { PG_URL, postgresSkip, skippedSuite, throwAwaySchema } from '../lib/postgres-bench.mjs';
import { cpuShareMeter } from '../lib/process-cpu.mjs';
import { startServiceInstance } from '../lib/service-instance-client.mjs';
import { NOTIFY_CONCURRENCY, ORDER_CONCURRENCY } from '../lib/service-phases.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const WARMUP = env('BENCH_INSTANCES_WARMUP', 4000);
const ORDERS = env('BENCH_INSTANCES_ORDERS', 3000);
const SSE_ORDERS = env('BENCH_INSTANCES_SSE', 300);
const SSE_UNDER_LOAD = env('BENCH_INSTANCES_SSE_LOAD', 50);
const POOL_SIZE = env('BENCH_PG_POOL', 10);
const TITLE = 'G. Two service instances behind one address, one PostgreSQL: 1 vs 2, cross-instance SSE';

export async function runSuite() {
  const skip = await postgresSkip();
  if (skip) return skippedSuite('service-instances', TITLE, skip);
  const world = await startOutsideWorld();
  const schema = throwAwaySchema();
  const dirs = [];
  const running = [];
  try {
    const instance = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wxkit-bench-instance-'));
      dirs.push(dir);
      const started = await startServiceInstance(world.merchant, dir, {
        databaseUrl: PG_URL,
        schema: schema.name,
        poolSize: POOL_SIZE,
      });
      running.push(started);
      return started;
    };
    // One after the other: the second finds the schema migrated (it would wait on the advisory lock).
    const a = await instance();
    const b = await instance();
    const proxy = await forkChild(new URL('../lib/proxy-process.mjs', import.meta.url));
    running.push({ stop: () => proxy.call('stop').then(() => proxy.exited) });
    const { url: proxyUrl } = await proxy.call('start', { upstreams: [a.url, b.url] });
    const pids = {
      'instance A': a.pid,
      'instance B': b.pid,
      proxy: proxy.pid,
      'outside world': world.pid,
      bench: process.pid,
    };

    // Warm both instances' hot paths (orders, notifications) through the proxy, unmeasured.
    const warm = await world.call('createOrders', {
      serviceUrl: proxyUrl,
      count: WARMUP,
      concurrency: ORDER_CONCURRENCY,
    });
    await world.call('buildNotifications', { orders: warm.orders, set: 'warm' });
    await world.call('sendNotifications', {
      serviceUrl: proxyUrl,
      concurrency: NOTIFY_CONCURRENCY,
      set: 'warm',
    });
    // Orders whose payment the browsers watch, placed on A: WeChat notifies A (its notify_url).
    const watched = await world.call('createOrders', {
      serviceUrl: a.url,
      count: SSE_ORDERS + 2 * SSE_UNDER_LOAD,
      concurrency: 8,
    });

    const phases = [];
    for (const [i, upstreams] of [[a.url], [a.url, b.url]].entries()) {
      await proxy.call('setUpstreams', { upstreams });
      const underLoad = watched.orders.slice(
        SSE_ORDERS + i * SSE_UNDER_LOAD,
        SSE_ORDERS + (i + 1) * SSE_UNDER_LOAD,
      );
      phases.push(
        await measureBehindProxy({
          world,
          instances: [a, b],
          proxyUrl,
          pids,
          count: upstreams.length,
          underLoad,
        }),
      );
    }
    const lowLoad = await world.call('watchAcross', {
      urls: [a.url, b.url],
      orders: watched.orders.slice(0, SSE_ORDERS),
      gapMs: 20,
    });
    const proxyStats = await proxy.call('stats');
    return {
      id: 'service-instances',
      title: TITLE,
      ...presentInstances({ phases, lowLoad, proxyStats, poolSize: POOL_SIZE }),
    };
  } finally {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await world.call('stop').catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await schema.drop().catch(() => undefined);
  }
}

/**
 * With `count` instances behind the proxy: `ORDERS` orders, then one notification each, every
 * process's CPU and each instance's round trips over each load. During the notifications, a few
 * watched orders are paid at the simulator (latency under load).
 */
async function measureBehindProxy({ world, instances, proxyUrl, pids, count, underLoad }) {
  const measured = async (work) => {
    await Promise.all(instances.map((i) => i.call('startMeters')));
    const shares = cpuShareMeter(pids);
    const result = await work();
    const cpu = shares.stop();
    const perInstance = await Promise.all(instances.map((i) => i.call('stopMeters')));
    return { result, cpu, perInstance };
  };
  const orders = await measured(() =>
    world.call('createOrders', { serviceUrl: proxyUrl, count: ORDERS, concurrency: ORDER_CONCURRENCY }),
  );
  const set = `behind-${count}`;
  await world.call('buildNotifications', { orders: orders.result.orders, set });
  let watching;
  const notifications = await measured(() => {
    const sending = world.call('sendNotifications', {
      serviceUrl: proxyUrl,
      concurrency: NOTIFY_CONCURRENCY,
      set,
    });
    watching = world.call('watchAcross', { urls: instances.map((i) => i.url), orders: underLoad, gapMs: 60 });
    return sending;
  });
  const watchedUnderLoad = await watching;
  const orderNos = orders.result.orders.map((o) => o.orderNo);
  const paid = await instances[0].call('countPaid', { orderNos });
  return {
    count,
    orders: { ...orders, result: { ...orders.result, orders: undefined } },
    notifications,
    paid,
    expected: orderNos.length,
    underLoad: watchedUnderLoad.filter((w) => w.underLoad),
  };
}
