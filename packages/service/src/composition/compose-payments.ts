import { meteredOrderRepository } from '../adapters/metrics/index.js';
import {
  type Database,
  DatabaseHealthCheck,
  KyselyJobQueue,
  KyselyNotificationLog,
  KyselyOrderRepository,
  KyselyProductRepository,
} from '../adapters/persistence/index.js';
import {
  inboundNotifications,
  SdkPayParamsSigner,
  SdkWechatGateway,
  type WechatClients,
} from '../adapters/wechat/index.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { Clock, EventBus, FulfilmentHook, Order } from '../domain/index.js';
import type { ServiceMetrics } from '../http/service-metrics.js';
import type { ServiceOperations } from '../http/service-operations.js';
import {
  CloseExpiredOrder,
  CreateOrder,
  FulfilOrder,
  GetOrder,
  HandlePaymentNotification,
  ListOrders,
  ListProducts,
  MarkPaid,
  type PaymentDeps,
  ReconcileOrder,
  RetryPrepay,
  type UseCaseLogger,
} from '../use-cases/index.js';

export interface PaymentsInput {
  config: ServiceConfig;
  database: Database;
  wechat: WechatClients;
  metrics: ServiceMetrics;
  events: EventBus;
  clock: Clock;
  logger: UseCaseLogger;
  fulfil?: FulfilmentHook;
  fulfilmentRetryMs?: number;
}

/** The payments feature as built: its ports (which refunds, mode 1 and admin share), use cases and routes' operations. */
export interface ComposedPayments {
  deps: PaymentDeps;
  useCases: ReturnType<typeof paymentUseCases>;
  operations: ServiceOperations;
}

function paymentUseCases(deps: PaymentDeps, config: ServiceConfig, fulfilmentRetryMs?: number) {
  const markPaid = new MarkPaid(deps, { fulfilmentRetryMs });
  return {
    createOrder: new CreateOrder(deps, {
      orderLifetimeMs: config.orderTtlMinutes * 60_000,
      defaultApiVersion: config.wechat.apiVersion,
      prepayDeadlineMs: config.prepayDeadlineMs,
    }),
    retryPrepay: new RetryPrepay(deps, { prepayDeadlineMs: config.prepayDeadlineMs }),
    getOrder: new GetOrder(deps),
    listOrders: new ListOrders(deps),
    listProducts: new ListProducts(deps),
    handleNotification: new HandlePaymentNotification(deps, markPaid),
    closeExpired: new CloseExpiredOrder(deps, markPaid),
    reconcile: new ReconcileOrder(deps, markPaid),
    fulfilOrder: new FulfilOrder(deps),
  };
}

/**
 * The payments part of the composition root: orders (counted by the metrics wrapper), products,
 * the notification log, the job queue and the WeChat gateway over the shared SDK clients, and the
 * use cases behind the order and payment-notification routes.
 */
export function composePayments(input: PaymentsInput): ComposedPayments {
  const { database, wechat, clock } = input;
  const deps: PaymentDeps = {
    orders: meteredOrderRepository(new KyselyOrderRepository(database.db, clock), input.metrics),
    products: new KyselyProductRepository(database.db),
    notifications: new KyselyNotificationLog(database.db),
    jobs: new KyselyJobQueue(database.db, clock),
    gateway: new SdkWechatGateway(wechat),
    inbound: inboundNotifications(wechat),
    events: input.events,
    clock,
    fulfil: input.fulfil,
    logger: input.logger,
  };
  const useCases = paymentUseCases(deps, input.config, input.fulfilmentRetryMs);
  const payParams = new SdkPayParamsSigner(wechat);
  const placed = (order: Order) => ({ order, payParams: payParams.sign(order) });
  const health = new DatabaseHealthCheck(database);
  const operations: ServiceOperations = {
    listProducts: () => useCases.listProducts.execute(),
    createOrder: async (command) => placed(await useCases.createOrder.execute(command)),
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
      return result.verdict;
    },
    ping: () => health.ping(),
  };
  return { deps, useCases, operations };
}
