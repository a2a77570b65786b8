/**
 * F. The payment service on PostgreSQL (issue 15 § 1). The same service, orders and notifications
 * as suite C (`lib/service-phases.mjs`), but the service's database is PostgreSQL on this machine
 * (a throw-away schema). Besides rates and CPU, every PostgreSQL round trip this process makes
 * during a phase is counted (`lib/pg-round-trips.mjs`): each is latency a notification waits for.
 * The floors are measured in the same run: the empty route, one RSA verify, and the statements of
 * one notification issued straight through node-postgres (`lib/postgres-floor.mjs`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOutsideWorld } from '../lib/outside-world-client.mjs';
import { describeRoundTrips, roundTripMeter } from '../lib/pg-round-trips.mjs';
import {
  PG_URL,
  postgresCpuMeter,
  postgresSkip,
  skippedSuite,
  throwAwaySchema,
  walMeter,
} from '../lib/postgres-bench.mjs';
import { postgresFloor } from '../lib/postgres-floor.mjs';
import { clientCallFloor, emptyRouteFloor } from '../lib/service-floors.mjs';
import {
  cpuMeter,
  loopDelayMeter,
  measureNotifications,
  measureOrders,
  ms,
  NOTIFY_CONCURRENCY,
  ORDER_CONCURRENCY,
  startBenchService,
  WARMUP,
} from '../lib/service-phases.mjs';

const TITLE = 'F. Payment service on PostgreSQL: v3 Native orders and notifications, round trips counted';
/** The service's pool size (`DATABASE_POOL_SIZE`, default 10); the floor uses the same. */
const POOL_SIZE = Number(process.env.BENCH_PG_POOL ?? 10);

export async function runSuite() {
  const skip = await postgresSkip();
  if (skip) return skippedSuite('service-postgres', TITLE, skip);
  const world = await startOutsideWorld();
  const dataDir = mkdtempSync(join(tmpdir(), 'wxkit-bench-service-pg-'));
  const schema = throwAwaySchema();
  let service;
  try {
    service = await startBenchService(world.merchant, dataDir, {
      databaseUrl: PG_URL,
      schema: schema.name,
      poolSize: POOL_SIZE,
    });
    const orders = await measureOrders(world, service.url, {
      wal: walMeter,
      roundTrips: roundTripMeter,
      loop: loopDelayMeter,
      pgCpu: postgresCpuMeter,
    });
    const notifications = await measureNotifications(world, service, orders, {
      wal: walMeter,
      roundTrips: roundTripMeter,
      loop: loopDelayMeter,
      pgCpu: postgresCpuMeter,
    });
    await service.stop();
    service = undefined;
    const floors = await measureFloors(world, schema.name, notifications);
    orders.walBytes = await orders.measured.wal;
    notifications.walBytes = await notifications.measured.wal;
    return present(orders, notifications, floors);
  } finally {
    await service?.stop();
    await world.call('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    await schema.drop().catch(() => undefined);
  }
}

/** With the service stopped: the HTTP floors and the raw PostgreSQL floor, same counts as the loads. */
async function measureFloors(world, schema, notifications) {
  const count = notifications.orderNos.length;
  const warmup = Math.max(WARMUP, 2000);
  const server = await emptyRouteFloor(world, { count, warmup, concurrency: NOTIFY_CONCURRENCY, cpuMeter });
  const client = await clientCallFloor(world, { count, warmup, concurrency: ORDER_CONCURRENCY, cpuMeter });
  const postgres = await postgresFloor({
    url: PG_URL,
    schema,
    poolSize: POOL_SIZE,
    concurrency: NOTIFY_CONCURRENCY,
    warmOrderNos: notifications.warmOrderNos,
    orderNos: notifications.orderNos,
    bodyBytes: notifications.bodyBytes,
    cpuMeter,
  });
  return { server, client, postgres };
}

function present(orders, notifications, floors) {
  const { created, cpuPerOrderUs, signUs, verifyUs } = orders;
  const { sent, cpuPerNotificationUs, paid, expected } = notifications;
  const orderTrips = orders.measured.roundTrips;
  const notifyTrips = notifications.measured.roundTrips;
  const tripsPerOrder = orderTrips.total / Math.max(1, created.ok);
  const tripsPerNotification = notifyTrips.total / Math.max(1, sent.ok);
  const { transaction, statement } = floors.postgres;
  const pgFloorUs = Math.min(transaction.cpuUs, statement.cpuUs);
  const notificationFloorUs = floors.server.cpuUs + pgFloorUs + verifyUs;
  const orderFloorUs = signUs + verifyUs + floors.server.cpuUs + floors.client.cpuUs;
  const capacity = 1e6 / cpuPerNotificationUs;
  // The service and PostgreSQL share this machine: together they bound what it can apply.
  const cores = availableParallelism();
  const pgCpuPerNotification =
    notifications.measured.pgCpu === undefined
      ? undefined
      : notifications.measured.pgCpu / Math.max(1, sent.ok);
  const machineCapacity = (cores * 1e6) / (cpuPerNotificationUs + (pgCpuPerNotification ?? 0));
  // Not a single lost notification may count as throughput.
  const applied = paid === expected ? sent.perSecond : 0;
  const errors = created.errors + sent.errors;
  const rows = [
    ['RSA-2048 sign, bare node:crypto', 1e6 / signUs, {}, signUs],
    ['RSA-2048 verify, bare node:crypto', 1e6 / verifyUs, {}, verifyUs],
    [
      `POST /api/orders v3 Native (c=${ORDER_CONCURRENCY}, ${created.ok} orders)`,
      created.perSecond,
      created,
      cpuPerOrderUs,
      tripsPerOrder,
    ],
    [
      `POST /api/notify/v3 (c=${NOTIFY_CONCURRENCY}, ${sent.ok} applied)`,
      sent.perSecond,
      sent,
      cpuPerNotificationUs,
      tripsPerNotification,
    ],
    [
      `floor: empty Fastify POST route, same bytes (c=${NOTIFY_CONCURRENCY})`,
      floors.server.perSecond,
      floors.server,
      floors.server.cpuUs,
    ],
    [
      `floor: undici client POST to a bare server (c=${ORDER_CONCURRENCY})`,
      floors.client.perSecond,
      floors.client,
      floors.client.cpuUs,
    ],
    [
      'floor: PostgreSQL BEGIN, UPDATE…RETURNING, 2 INSERTs, COMMIT, raw pg',
      transaction.perSecond,
      {},
      transaction.cpuUs,
      transaction.roundTrips,
    ],
    [
      'floor: PostgreSQL the same writes as one statement (CTEs), raw pg',
      statement.perSecond,
      {},
      statement.cpuUs,
      statement.roundTrips,
    ],
  ];
  return {
    id: 'service-postgres',
    title: TITLE,
    notes: [
      `service pool ${POOL_SIZE} connections (the raw floor the same), PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')}`,
      'merchant CPU = process.cpuUsage() of the bench process, which runs only the service; the simulator,',
      'buyers and sender run in a forked child, PostgreSQL in its own processes: they share the other core.',
      `${paid} of ${expected} notified orders ended PAID; ${errors === 0 ? 'no errors' : `errors: ${created.errors} order, ${sent.errors} notification`}`,
      ...created.firstErrors.map((e) => `PROBLEM order creation: ${e}`),
      ...sent.firstErrors.map((e) => `PROBLEM notification: ${e}`),
      `round trips per order: ${describeRoundTrips(orderTrips, created.ok)}`,
      `round trips per notification: ${describeRoundTrips(notifyTrips, sent.ok)}`,
      `service event loop delay: notifications p50 ${ms(notifications.measured.loop.p50Ms)} ms, p99 ${ms(notifications.measured.loop.p99Ms)} ms; orders p50 ${ms(orders.measured.loop.p50Ms)} ms`,
      `PostgreSQL's own CPU (all its processes): ${us(notifications.measured.pgCpu, sent.ok)} per notification, ${us(orders.measured.pgCpu, created.ok)} per order; raw floor ${us(statement.pgCpuUs, 1)} (one statement), ${us(transaction.pgCpuUs, 1)} (transaction)`,
      `WAL per notification: ${kb(notifications.walBytes / Math.max(1, sent.ok))} (raw floor: ${kb(transaction.walBytes)} as a transaction, ${kb(statement.walBytes)} as one statement); per order ${kb(orders.walBytes / Math.max(1, created.ok))}`,
    ],
    header: ['measure', 'per s', 'p50 ms', 'p99 ms', 'CPU µs/op', 'round trips/op'],
    rows: rows.map(([label, rate, latency, cpu, trips]) => [
      label,
      rate === undefined ? '' : Math.round(rate).toLocaleString('en-US'),
      ms(latency.p50Ms),
      ms(latency.p99Ms),
      cpu === undefined ? '' : cpu.toFixed(0),
      trips === undefined ? '' : trips.toFixed(2),
    ]),
    headlines: [
      {
        label: `orders/s on PostgreSQL (p50 ${ms(created.p50Ms)} ms, p99 ${ms(created.p99Ms)} ms)`,
        value: created.perSecond,
        display: created.perSecond.toFixed(0),
      },
      {
        label: '  merchant CPU per order / order floor (sign + verify + empty route + client call)',
        value: cpuPerOrderUs / orderFloorUs,
        display: `${(cpuPerOrderUs / orderFloorUs).toFixed(2)}×`,
      },
      {
        label: '  PostgreSQL round trips per order',
        value: tripsPerOrder,
        display: tripsPerOrder.toFixed(2),
      },
      {
        label: `v3 notifications applied/s on PostgreSQL (p50 ${ms(sent.p50Ms)} ms)`,
        value: applied,
        display: sent.perSecond.toFixed(0),
      },
      {
        label: '  CPU-bound capacity of one core (1 / CPU per notification)',
        value: capacity,
        display: capacity.toFixed(0),
      },
      {
        label: '  applied/s / that capacity (waiting must not dominate)',
        value: applied / capacity,
        display: `${((100 * applied) / capacity).toFixed(0)} %`,
        target: '≥ 80 %',
        min: 0.8,
      },
      ...(pgCpuPerNotification === undefined
        ? []
        : [
            {
              label: `  capacity of this machine's ${cores} cores for service + PostgreSQL CPU per notification`,
              value: machineCapacity,
              display: machineCapacity.toFixed(0),
            },
            {
              label: '  applied/s / that capacity',
              value: applied / machineCapacity,
              display: `${((100 * applied) / machineCapacity).toFixed(0)} %`,
            },
          ]),
      {
        // What the database itself allows: the raw statements, same pool, same concurrency.
        label: "  applied/s / the raw one-statement floor's rate (PostgreSQL's own limit here)",
        value: applied / statement.perSecond,
        display: `${((100 * applied) / statement.perSecond).toFixed(0)} %`,
      },
      {
        label: '  PostgreSQL round trips per notification',
        value: tripsPerNotification,
        display: tripsPerNotification.toFixed(2),
        target: '≤ 3',
        max: 3,
      },
      {
        label: '  floor of one core: 1 / (empty route + raw PostgreSQL floor + RSA verify)',
        value: 1e6 / notificationFloorUs,
        display: (1e6 / notificationFloorUs).toFixed(0),
      },
      {
        label: '  notification CPU / that floor',
        value: cpuPerNotificationUs / notificationFloorUs,
        display: `${(cpuPerNotificationUs / notificationFloorUs).toFixed(2)}×`,
        target: '≤ 2.00× (vs floor)',
        max: 2,
      },
    ],
    details: {
      orders: { ...created, orders: undefined, cpuPerOrderUs, rsa: orders.rsa, roundTrips: orderTrips },
      notifications: { ...sent, paid, expected, cpuPerNotificationUs, roundTrips: notifyTrips },
      floors: {
        serverCpuUs: floors.server.cpuUs,
        clientCpuUs: floors.client.cpuUs,
        postgres: floors.postgres,
        notificationFloorUs,
        orderFloorUs,
      },
    },
  };
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function us(total, n) {
  return total === undefined ? 'n/a' : `${Math.round(total / Math.max(1, n))} µs`;
}
