import type { FastifyInstance } from 'fastify';
import { type Database, openDatabase, seedDemoProducts } from './adapters/persistence/index.js';
import { WechatClients } from './adapters/wechat/index.js';
import { composeAdmin } from './composition/compose-admin.js';
import { composeAdminAccess } from './composition/compose-admin-access.js';
import { composeEventBus } from './composition/compose-event-bus.js';
import { composeJobs } from './composition/compose-jobs.js';
import { composeNativeMode1 } from './composition/compose-native-mode1.js';
import { composePayments } from './composition/compose-payments.js';
import { type ComposedPlatform, composePlatform } from './composition/compose-platform-sign-in.js';
import { composeReconciliation } from './composition/compose-reconciliation.js';
import { composeRefunds } from './composition/compose-refunds.js';
import { composeWebhooks } from './composition/compose-webhooks.js';
import { resolveAbuseLimits } from './config/abuse-limits-config.js';
import type { ServiceConfig } from './config/service-config.js';
import {
  assertValidRefundMachine,
  assertValidStateMachine,
  type Clock,
  type EventBus,
  type FulfilmentHook,
  type NotificationResender,
} from './domain/index.js';
import { closeGracefully, SHUTDOWN_GRACE_MS } from './http/graceful-close.js';
import { buildHttpApp } from './http/http-app.js';
import type { OrderEventStreams } from './http/order-event-stream.js';
import { ServiceMetrics } from './http/service-metrics.js';
import type { JobRunner } from './jobs/index.js';
import { PruneUnverifiedNotifications, silentLogger, type UseCaseLogger } from './use-cases/index.js';

export interface ServiceAppOptions {
  /** The clock for orders, jobs and v3 signatures; the demo passes the simulator's movable clock. */
  clock?: Clock;
  /**
   * The merchant's reaction to a paid order (deliver the goods): called at least once per paid
   * order, through a durable job written with the payment, so it must be idempotent by order number.
   */
  fulfil?: FulfilmentHook;
  /** How long after a payment its delivery is retried if the first attempt failed or its process died (60 s). */
  fulfilmentRetryMs?: number;
  /** PostgreSQL schema (tests isolate themselves in one). */
  databaseSchema?: string;
  /** Job polling interval; tests shorten it. */
  jobPollIntervalMs?: number;
  /** How long a dead worker's job stays locked before another claims it (30 s); crash tests shorten it. */
  jobLockMs?: number;
  /**
   * `false`: this instance serves HTTP only and runs no jobs (other instances, or workers, claim
   * them from the shared database). Default true.
   */
  runJobs?: boolean;
  /** How often unverified notifications past their retention are deleted (default hourly). */
  pruneIntervalMs?: number;
  /** Where problems outside any request go (the event bus); by default the HTTP app's logger. */
  logger?: UseCaseLogger;
  /** Redis key prefix of the token cache (tests isolate themselves with one). */
  redisPrefix?: string;
  /** Where the HTTP app's log lines go instead of standard output; turns logging on. */
  logStream?: NodeJS.WritableStream;
  /**
   * What the admin's "request resend" asks: WeChat Pay has no such API, so only a stand-in (the
   * demo's simulator) can; absent = that action answers `501 NOT_AVAILABLE`.
   */
  notificationResender?: NotificationResender;
  /**
   * How long `stop()` lets requests in flight and running jobs finish (5 s, WeChat's notification
   * timeout); jobs still running then are abandoned and their locks released to other instances.
   */
  shutdownGraceMs?: number;
  /**
   * How long `stop()` keeps serving with readiness at 503 before it closes the listener (by default
   * `SHUTDOWN_DELAY_MS`, else 0): time for a load balancer polling `/health/ready` to react.
   */
  shutdownDelayMs?: number;
}

export interface ServiceApp {
  readonly config: ServiceConfig;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly metrics: ServiceMetrics;
  readonly jobs: JobRunner;
  /** Order events: shared through PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
  readonly events: EventBus;
  /** The WeChat platform adapter (token providers), when configured. */
  readonly platform?: ComposedPlatform['platform'];
  /** The URL the service listens on, once started (the real port when `port` was 0). */
  readonly url: string;
  /** Deletes unverified notifications past their retention now (also run at start and hourly). */
  pruneNotifications(): Promise<number>;
  start(): Promise<string>;
  /**
   * Graceful shutdown (what SIGTERM runs): readiness answers 503 at once and no more jobs are
   * claimed; after `shutdownDelayMs` the listener closes, SSE streams end with a reconnect hint,
   * requests and jobs in flight get `shutdownGraceMs` to finish, jobs still running are released to
   * other instances; then the database closes.
   */
  stop(): Promise<void>;
}

/**
 * The composition root: opens and migrates the database, seeds the demo catalogue, and assembles
 * the features, each built by its own module in `composition/` (payments, refunds, Native mode 1,
 * admin, admin access, platform sign-in, jobs), into the HTTP app. Nothing listens until `start()`.
 */
export async function createServiceApp(
  config: ServiceConfig,
  options: ServiceAppOptions = {},
): Promise<ServiceApp> {
  assertValidStateMachine();
  assertValidRefundMachine();
  const clock = options.clock ?? { now: () => new Date() };
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    schema: options.databaseSchema,
    ...(config.databasePoolSize !== undefined ? { maxConnections: config.databasePoolSize } : {}),
    ...(config.databaseStatementTimeoutMs !== undefined
      ? { statementTimeoutMs: config.databaseStatementTimeoutMs }
      : {}),
  });
  await seedDemoProducts(database.db);

  const metrics = new ServiceMetrics({ defaultMetrics: true });
  /** Set by the first `stop()`; readiness answers 503 from that moment. */
  let stopped: Promise<void> | undefined;
  // Until the HTTP app (and its logger) exists, start-up problems surface as thrown errors instead.
  let log: UseCaseLogger = options.logger ?? silentLogger;
  const bus = await composeEventBus(config.databaseUrl, database, () => log).catch(async (error) => {
    await database.close();
    throw error;
  });
  const { events } = bus;
  // One set of SDK clients (keys parsed once, pooled connections) for every WeChat adapter.
  // Signature timestamps stay on real time whatever the business clock says, as at WeChat.
  const wechat = new WechatClients({
    ...config.wechat,
    verification:
      config.wechat.publicKeyId && config.wechat.publicKeyPem
        ? {
            mode: 'public-key',
            publicKeyId: config.wechat.publicKeyId,
            publicKeyPem: config.wechat.publicKeyPem,
          }
        : undefined,
    notifyBaseUrl: config.publicUrl,
  });
  // Use cases log ids and codes (anomalies, rejected notifications) through the service logger, once it exists.
  const logger: UseCaseLogger = {
    info: (data, message) => log.info(data, message),
    warn: (data, message) => log.warn(data, message),
    error: (data, message) => log.error(data, message),
  };

  const payments = composePayments({
    config,
    database,
    wechat,
    metrics,
    events,
    clock,
    logger,
    fulfil: options.fulfil,
    fulfilmentRetryMs: options.fulfilmentRetryMs,
    // The runner is composed from the use cases, so it is reached through this late binding.
    jobsDue: () => jobs.wake(),
    stopping: () => stopped !== undefined,
  });
  const refunds = composeRefunds(database, wechat, metrics, payments.deps);
  const nativeMode1 = composeNativeMode1(wechat, payments.deps, payments.useCases.createOrder);
  const admin = composeAdmin(
    database,
    payments.deps,
    payments.useCases.reconcile,
    payments.useCases.closeExpired,
    options.notificationResender,
  );
  const reconciliation = composeReconciliation({
    config: config.reconciliation,
    database,
    wechat,
    payments: payments.deps,
    refunds: refunds.deps,
    reconcileOrder: payments.useCases.reconcile,
    reconcileRefund: refunds.reconcile,
  });
  metrics.openDiscrepancies = () => reconciliation.store.openCount();
  const webhooks = composeWebhooks(
    payments.deps,
    refunds.deps,
    {
      directory: payments.webhookEndpoints,
      fixed: config.webhooks,
      allowHttp: config.webhookStore?.allowHttp ?? config.demo !== undefined,
    },
    reconciliation.store,
  );
  const jobs = composeJobs({
    config,
    database,
    clock,
    payments: payments.useCases,
    runRefundQuery: (job) => refunds.runRefundQuery(job),
    webhooks,
    reconcileDay: (job) => reconciliation.runJob(job),
    pollIntervalMs: options.jobPollIntervalMs,
    lockMs: options.jobLockMs,
  });

  let http: { app: FastifyInstance; streams: OrderEventStreams };
  let platform: ComposedPlatform | undefined;
  try {
    platform = composePlatform(config, database, clock, { redisPrefix: options.redisPrefix });
    http = await buildHttpApp({
      platform: platform?.http,
      payments: payments.useCases,
      replies: payments.deps.inbound,
      nativeMode1,
      refunds: refunds.useCases,
      admin,
      webhooks: webhooks.useCases,
      reconciliation: reconciliation.useCases,
      events,
      metrics,
      adminToken: config.adminToken,
      access: composeAdminAccess(database, clock),
      secureCookies: config.secureCookies,
      demo: config.demo,
      trustProxy: config.trustProxy,
      logger: config.logger,
      logStream: options.logStream,
      limits: resolveAbuseLimits(config.limits),
      metricsToken: config.metricsToken,
      publicUrl: config.publicUrl,
      merchantApiKeys: config.merchantApiKeys,
    });
  } catch (error) {
    await platform?.close();
    await bus.close();
    await database.close();
    throw error;
  }
  log = options.logger ?? http.app.log;

  let url = '';
  const prune = new PruneUnverifiedNotifications(
    { notifications: payments.deps.notifications, clock, logger },
    resolveAbuseLimits(config.limits).unverifiedRetentionDays,
  );
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<unknown> = Promise.resolve();
  const pruneInBackground = () => {
    pruning = prune
      .execute()
      .catch((error) =>
        log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'unverified notification prune failed',
        ),
      );
  };

  return {
    config,
    app: http.app,
    database,
    metrics,
    jobs,
    events,
    platform: platform?.platform,
    get url() {
      return url;
    },
    pruneNotifications: () => prune.execute(),
    async start() {
      const address = await http.app.listen({ port: config.port, host: config.host });
      url = address.replace('[::1]', '127.0.0.1');
      await reconciliation.schedule();
      if (options.runJobs !== false) jobs.start();
      pruneInBackground();
      pruneTimer = setInterval(pruneInBackground, options.pruneIntervalMs ?? 3_600_000).unref();
      return url;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(pruneTimer);
        const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
        const delayMs = options.shutdownDelayMs ?? config.shutdownDelayMs ?? 0;
        const jobsStopped = jobs.stop({ graceMs: delayMs + graceMs });
        if (delayMs > 0) await new Promise((wait) => setTimeout(wait, delayMs));
        const { cut } = await closeGracefully(http.app, http.streams, { graceMs });
        const held = await jobsStopped;
        if (cut || held.abandoned > 0 || held.released > 0) {
          log.warn({ requestsCut: cut, ...held }, 'shutdown: work in flight handed over');
        }
        await pruning;
        await bus.close();
        await wechat.close();
        await platform?.close();
        await database.close();
      })();
      return stopped;
    },
  };
}
