import { meteredOrderRepository } from '../adapters/metrics/index.js';
import {
  type Database,
  DatabaseHealthCheck,
  KyselyAuditLog,
  KyselyJobQueue,
  KyselyNotificationLog,
  KyselyOrderRepository,
  KyselyPaymentCodeStore,
  KyselyProductRepository,
  KyselyWebhookDeliveryLog,
  KyselyWebhookEndpointStore,
  SecretBox,
} from '../adapters/persistence/index.js';
import { WebhookEndpointDirectory } from '../adapters/webhooks/index.js';
import {
  inboundNotifications,
  SdkPaymentCodeGateway,
  SdkPayParamsSigner,
  SdkWechatGateway,
  type WechatClients,
} from '../adapters/wechat/index.js';
import { DEFAULT_POS } from '../config/pos-config.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { Clock, EventBus, FulfilmentHook } from '../domain/index.js';
import type { ServiceMetrics } from '../http/service-metrics.js';
import {
  CheckHealth,
  CheckReadiness,
  CloseExpiredOrder,
  CollectPaymentCode,
  CreateOrder,
  DEFAULT_PREPAY_DEADLINE_MS,
  ExportOrders,
  FulfilOrder,
  GetOrder,
  HandlePaymentNotification,
  ListOrders,
  ListProducts,
  MarkPaid,
  type PaymentDeps,
  type PaymentUseCases,
  PlaceMerchantOrder,
  PlaceOrder,
  ReconcileOrder,
  RetryPrepay,
  TakeInStorePayment,
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
  /** Wakes the job runner when a job someone waits for was written (the till's micropay job). */
  jobsDue?: () => void;
  /** `true` once shutdown has begun: readiness answers 503 from then on. */
  stopping?: () => boolean;
}

/** The payments feature as built: its ports (which refunds, mode 1 and admin share) and use cases. */
export interface ComposedPayments {
  deps: PaymentDeps;
  useCases: ReturnType<typeof paymentUseCases>;
  /** Where webhooks go (`deps.webhooks`), and the admin's endpoints through it. */
  webhookEndpoints: WebhookEndpointDirectory;
}

function paymentUseCases(deps: PaymentDeps, input: PaymentsInput) {
  const { config } = input;
  const markPaid = new MarkPaid(deps, { fulfilmentRetryMs: input.fulfilmentRetryMs });
  const prepayDeadlineMs = config.prepayDeadlineMs;
  const pos = config.pos ?? DEFAULT_POS;
  const createOrder = new CreateOrder(deps, {
    orderLifetimeMs: config.orderTtlMinutes * 60_000,
    defaultApiVersion: config.wechat.apiVersion,
    prepayDeadlineMs,
  });
  const retryPrepay = new RetryPrepay(deps, { prepayDeadlineMs });
  const placeOrder = new PlaceOrder(new SdkPayParamsSigner(input.wechat), createOrder, retryPrepay);
  return {
    createOrder,
    placeOrder,
    placeMerchantOrder: new PlaceMerchantOrder(deps, placeOrder, {
      settleWithinMs: (prepayDeadlineMs ?? DEFAULT_PREPAY_DEADLINE_MS) + 1_000,
    }),
    getOrder: new GetOrder(deps),
    listOrders: new ListOrders(deps),
    exportOrders: new ExportOrders(deps),
    listProducts: new ListProducts(deps),
    handlePaymentNotification: new HandlePaymentNotification(deps, markPaid),
    checkHealth: new CheckHealth(new DatabaseHealthCheck(input.database)),
    checkReadiness: new CheckReadiness(new DatabaseHealthCheck(input.database), input.stopping),
    closeExpired: new CloseExpiredOrder(deps, markPaid),
    reconcile: new ReconcileOrder(deps, markPaid),
    fulfilOrder: new FulfilOrder(deps),
    takeInStorePayment: new TakeInStorePayment(deps, createOrder),
    collectPaymentCode: new CollectPaymentCode(
      {
        ...deps,
        paymentCodes: new SdkPaymentCodeGateway(input.wechat, { storeId: pos.storeId, clock: deps.clock }),
        codeStore: new KyselyPaymentCodeStore(input.database.db),
      },
      markPaid,
      { pollMs: pos.pollMs, deadlineMs: pos.deadlineMs },
    ),
  } satisfies PaymentUseCases & Record<string, unknown>;
}

/**
 * The payments part of the composition root: orders (counted by the metrics wrapper), products,
 * the notification log, the job queue, the WeChat gateway and notification dialects over the shared
 * SDK clients, and the use cases behind the order, notification and health routes and the jobs.
 */
export function composePayments(input: PaymentsInput): ComposedPayments {
  const { database, wechat, clock } = input;
  const webhookEndpoints = new WebhookEndpointDirectory(
    input.config.webhooks ?? [],
    new KyselyWebhookEndpointStore(database.db, new SecretBox(input.config.webhookStore?.encryptionKey)),
    clock,
  );
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
    webhooks: webhookEndpoints,
    webhookLog: new KyselyWebhookDeliveryLog(database.db),
    logger: input.logger,
    audit: new KyselyAuditLog(database.db),
    jobsDue: input.jobsDue,
  };
  return { deps, useCases: paymentUseCases(deps, input), webhookEndpoints };
}
