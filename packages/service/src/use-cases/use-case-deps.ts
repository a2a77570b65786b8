import type {
  AuditLog,
  Clock,
  EventBus,
  FulfilmentHook,
  InboundNotificationsByVersion,
  JobQueue,
  NewJob,
  NotificationLog,
  Order,
  OrderRepository,
  ProductRepository,
  WebhookDeliveryLog,
  WebhookEndpoints,
  WechatGateway,
} from '../domain/index.js';
import { OPEN_ORDER_STATES } from '../domain/index.js';

/** pino-compatible (`logger.warn({orderNo}, 'msg')`); a use case logs ids and codes, never keys or bodies. */
export interface UseCaseLogger {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
}

export const silentLogger: UseCaseLogger = { info() {}, warn() {}, error() {} };

/**
 * Everything the use cases may touch, all ports. The composition root builds one of these and hands
 * it to every use case; each one declares (with `Pick`) the part it really uses.
 */
export interface PaymentDeps {
  orders: OrderRepository;
  products: ProductRepository;
  notifications: NotificationLog;
  jobs: JobQueue;
  gateway: WechatGateway;
  /** WeChat's callbacks, verified and answered in the dialect of the version they come in. */
  inbound: InboundNotificationsByVersion;
  events: EventBus;
  clock: Clock;
  /** The merchant's reaction to a paid order; absent = nothing to deliver. */
  fulfil?: FulfilmentHook;
  /** The merchant's webhook endpoints; a change writes its event only when one wants it. */
  webhooks?: WebhookEndpoints;
  /** Where webhook deliveries and their attempts are written, for the admin. */
  webhookLog?: WebhookDeliveryLog;
  logger?: UseCaseLogger;
  /** Where an admin's actions are recorded; absent = not recorded (tests of other things). */
  audit?: AuditLog;
  /** Tells this instance's job runner that a job is due now; absent = found at the next poll. */
  jobsDue?: () => void;
}

export function isOpen(order: Pick<Order, 'state'>): boolean {
  return OPEN_ORDER_STATES.includes(order.state);
}

/**
 * The key of a job scheduled by a job about the same order. The jobs table keeps one *pending* job
 * per (type, key), and the running job is still pending while its handler enqueues the next one, so
 * follow-ups get their own key; `payload.orderNo` names the order either way.
 */
export function followUpJobKey(orderNo: string, runAt: Date): string {
  return `${orderNo}@${runAt.getTime()}`;
}

/** The next job of `type` for an order, run at `runAt` (see {@link followUpJobKey}). */
export function followUpJob(
  type: NewJob['type'],
  orderNo: string,
  runAt: Date,
  payload: Record<string, unknown> = {},
): NewJob {
  return { type, key: followUpJobKey(orderNo, runAt), runAt, payload: { orderNo, ...payload } };
}

/** The order a job is about, from its key (`orderNo` or a {@link followUpJobKey}); order numbers never hold `@`. */
export function orderNoOfJobKey(key: string): string {
  const at = key.indexOf('@');
  return at === -1 ? key : key.slice(0, at);
}
