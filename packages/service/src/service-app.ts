import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { InProcessEventBus, PgEventBus } from './adapters/events/index.js';
import {
  type Database,
  KyselyJobQueue,
  KyselyNotificationLog,
  KyselyOrderRepository,
  KyselyOrderStatistics,
  KyselyProductRepository,
  openDatabase,
  seedDemoProducts,
} from './adapters/persistence/index.js';
import { SimulatorNotificationResender } from './adapters/simulator/index.js';
import {
  SdkPayParamsSigner,
  SdkProductQrGateway,
  SdkWechatGateway,
  WechatClients,
} from './adapters/wechat/index.js';
import { resolveAbuseLimits } from './config/abuse-limits-config.js';
import type { ServiceConfig } from './config/service-config.js';
import {
  assertValidRefundMachine,
  assertValidStateMachine,
  type Clock,
  type EventBus,
  FULFIL_JOB,
  type FulfilmentHook,
  type Order,
} from './domain/index.js';
import type { AdminOperations } from './http/admin-operations.js';
import { buildHttpApp } from './http/http-app.js';
import { meteredOrderRepository } from './http/metered-order-repository.js';
import type { NativeMode1Operations } from './http/native-mode1-operations.js';
import type { OrderEventStreams } from './http/order-event-stream.js';
import { ServiceMetrics } from './http/service-metrics.js';
import type { ServiceOperations } from './http/service-operations.js';
import { backoffByType, JobRunner } from './jobs/index.js';
import { type ComposedPlatform, composePlatform } from './platform-composition.js';
import { composeRefunds } from './refund-composition.js';
import {
  CLOSE_RETRY_MAX_MS,
  CloseExpiredOrder,
  CreateOrder,
  FulfilOrder,
  GetOrder,
  GetOrderDetail,
  GetOrderStats,
  GetProductQr,
  HandlePaymentNotification,
  HandleProductCallback,
  ListOrders,
  ListProducts,
  MarkPaid,
  type PaymentDeps,
  PruneUnverifiedNotifications,
  REFUND_QUERY_JOB,
  ReconcileOrder,
  RequestNotificationResend,
  RetryPrepay,
  silentLogger,
  type UseCaseLogger,
} from './use-cases/index.js';

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
  /** How often unverified notifications past their retention are deleted (default hourly). */
  pruneIntervalMs?: number;
  /** Where problems outside any request go (the event bus); by default the HTTP app's logger. */
  logger?: UseCaseLogger;
  /** Redis key prefix of the token cache (tests isolate themselves with one). */
  redisPrefix?: string;
  /** Where the HTTP app's log lines go instead of standard output; turns logging on. */
  logStream?: NodeJS.WritableStream;
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
  /** Stops accepting, ends SSE streams, lets running jobs finish, closes the database. */
  stop(): Promise<void>;
}

/**
 * The composition root: the one place that knows every concrete class. Opens and migrates the
 * database, seeds the demo catalogue, wires repositories, the WeChat gateway, the event bus, the use
 * cases, the job runner and the HTTP app. Nothing listens until `start()`.
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
  });
  await seedDemoProducts(database.db);

  const metrics = new ServiceMetrics({ defaultMetrics: true });
  // Several instances on one PostgreSQL database must see each other's events; SQLite is one process.
  // Until the HTTP app (and its logger) exists, start-up problems surface as thrown errors instead.
  let log: UseCaseLogger = options.logger ?? silentLogger;
  const sharedEvents = config.databaseUrl
    ? new PgEventBus({
        connectionString: config.databaseUrl,
        db: database.db,
        onError: (error) =>
          log.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'order events: PostgreSQL LISTEN/NOTIFY problem (cross-instance events may be late)',
          ),
      })
    : undefined;
  const events = sharedEvents ?? new InProcessEventBus();
  try {
    await sharedEvents?.start();
  } catch (error) {
    await database.close();
    throw error;
  }
  // One set of SDK clients (keys parsed once, pooled connections) for every WeChat adapter.
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
    // Signature timestamps stay on real time whatever the business clock says, as at WeChat.
  });
  // Use cases log ids and codes (anomalies, rejected notifications) through the service logger, once it exists.
  const logger: UseCaseLogger = {
    info: (data, message) => log.info(data, message),
    warn: (data, message) => log.warn(data, message),
    error: (data, message) => log.error(data, message),
  };
  const deps: PaymentDeps = {
    orders: meteredOrderRepository(new KyselyOrderRepository(database.db, clock), metrics),
    products: new KyselyProductRepository(database.db),
    notifications: new KyselyNotificationLog(database.db),
    jobs: new KyselyJobQueue(database.db, clock),
    gateway: new SdkWechatGateway(wechat),
    events,
    clock,
    fulfil: options.fulfil,
    logger,
  };
  const payParams = new SdkPayParamsSigner(wechat);
  const placed = (order: Order) => ({ order, payParams: payParams.sign(order) });
  const markPaid = new MarkPaid(deps, { fulfilmentRetryMs: options.fulfilmentRetryMs });
  const createOrder = new CreateOrder(deps, {
    orderLifetimeMs: config.orderTtlMinutes * 60_000,
    defaultApiVersion: config.wechat.apiVersion,
    prepayDeadlineMs: config.prepayDeadlineMs,
  });
  const productQr = new SdkProductQrGateway(wechat);
  const useCases = {
    createOrder,
    retryPrepay: new RetryPrepay(deps, { prepayDeadlineMs: config.prepayDeadlineMs }),
    getOrder: new GetOrder(deps),
    listOrders: new ListOrders(deps),
    listProducts: new ListProducts(deps),
    handleNotification: new HandlePaymentNotification(deps, markPaid),
    closeExpired: new CloseExpiredOrder(deps, markPaid),
    reconcile: new ReconcileOrder(deps, markPaid),
    fulfilOrder: new FulfilOrder(deps),
    orderDetail: new GetOrderDetail(deps),
    orderStats: new GetOrderStats({ clock, statistics: new KyselyOrderStatistics(database.db) }),
    // Only the simulator can be asked to resend; WeChat Pay has no such API.
    requestResend: new RequestNotificationResend({
      orders: deps.orders,
      resender: config.simulatorUrl
        ? new SimulatorNotificationResender({ simulatorUrl: config.simulatorUrl, mchid: config.wechat.mchid })
        : undefined,
    }),
    getProductQr: new GetProductQr({ ...deps, productQr }),
    handleProductCallback: new HandleProductCallback({ ...deps, productQr }, createOrder),
  };
  const nativeMode1: NativeMode1Operations = {
    productQrUrl: async (productId) => (await useCases.getProductQr.execute({ productId })).url,
    handleProductCallback: async (headers, rawBody, serverIp) =>
      (await useCases.handleProductCallback.execute({ headers, rawBody, serverIp })).reply,
  };

  const refunds = composeRefunds(database, wechat, metrics, deps, (orderNo) =>
    useCases.getOrder.execute({ orderNo }),
  );

  const operations: ServiceOperations = {
    listProducts: () => useCases.listProducts.execute(),
    createOrder: async (input) => placed(await useCases.createOrder.execute(input)),
    retryPrepay: async (orderNo) => placed(await useCases.retryPrepay.execute({ orderNo })),
    getOrder: async (orderNo) => (await useCases.getOrder.execute({ orderNo })).order,
    listOrders: (filter) => useCases.listOrders.execute(filter),
    async handlePaymentNotification(apiVersion, headers, rawBody, handling) {
      const storeUnverified = handling?.storeUnverified;
      const result = await useCases.handleNotification.execute({
        apiVersion,
        headers,
        rawBody,
        storeUnverified,
      });
      if (result.ack) return { ack: true };
      return {
        ack: false,
        failure: result.outcome === 'rejected' ? 'rejected' : 'error',
        message: result.message,
        unverified: !result.verified,
      };
    },
    ping: async () => {
      await sql`select 1`.execute(database.db);
      return true;
    },
  };

  const admin: AdminOperations = {
    orderDetail: (orderNo) => useCases.orderDetail.execute({ orderNo }),
    queryWechatNow: (orderNo) => useCases.reconcile.queryNow({ orderNo, source: 'admin' }),
    requestNotificationResend: (orderNo) => useCases.requestResend.execute({ orderNo }),
    stats: (input) => useCases.orderStats.execute(input),
  };

  const jobs = new JobRunner({
    db: database.db,
    dialect: database.dialect,
    clock,
    workerId: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    pollIntervalMs: options.jobPollIntervalMs,
    concurrency: config.jobConcurrency,
    backoff: backoffByType({ 'close-expired': CLOSE_RETRY_MAX_MS }),
    handlers: {
      'close-expired': async (job) => {
        await useCases.closeExpired.execute({ orderNo: job.key });
      },
      reconcile: async (job) => {
        const attempt = typeof job.payload.attempt === 'number' ? job.payload.attempt : undefined;
        await useCases.reconcile.execute({ orderNo: job.key, attempt });
      },
      [REFUND_QUERY_JOB]: (job) => refunds.runRefundQuery(job),
      [FULFIL_JOB]: async (job) => {
        await useCases.fulfilOrder.execute({ orderNo: job.key });
      },
    },
  });

  let http: { app: FastifyInstance; streams: OrderEventStreams };
  let platform: ComposedPlatform | undefined;
  try {
    platform = composePlatform(config, database, clock, { redisPrefix: options.redisPrefix });
    http = await buildHttpApp({
      platform: platform?.http,
      operations,
      nativeMode1,
      refunds: refunds.operations,
      admin,
      events,
      metrics,
      adminToken: config.adminToken,
      simulatorUrl: config.simulatorUrl,
      trustProxy: config.trustProxy,
      logger: config.logger,
      logStream: options.logStream,
      limits: resolveAbuseLimits(config.limits),
      metricsToken: config.metricsToken,
      publicUrl: config.publicUrl,
    });
  } catch (error) {
    await platform?.close();
    await sharedEvents?.close();
    await database.close();
    throw error;
  }
  log = options.logger ?? http.app.log;

  let url = '';
  const prune = new PruneUnverifiedNotifications(
    { notifications: deps.notifications, clock, logger },
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

  let stopped: Promise<void> | undefined;
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
      jobs.start();
      pruneInBackground();
      pruneTimer = setInterval(pruneInBackground, options.pruneIntervalMs ?? 3_600_000).unref();
      return url;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(pruneTimer);
        await pruning;
        http.streams.closeAll();
        await http.app.close();
        await jobs.stop();
        await sharedEvents?.close();
        await wechat.close();
        await platform?.close();
        await database.close();
      })();
      return stopped;
    },
  };
}
