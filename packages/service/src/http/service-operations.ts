import type { AbuseLimits } from '../config/abuse-limits-config.js';
import type {
  ApiVersion,
  CreateOrderInput,
  EventBus,
  InboundNotificationsByVersion,
  Order,
  OrderFilter,
  PayParams,
  Product,
} from '../domain/index.js';
import type { AdminOperations } from './admin-operations.js';
import type { NativeMode1Operations } from './native-mode1-operations.js';
import type { NotificationHandling, NotificationVerdict } from './notification-verdict.js';
import type { PlatformHttpOptions } from './platform-operations.js';
import type { RefundOperations } from './refund-operations.js';

export type { PayParams } from '../domain/index.js';

/** An order as the use cases hand it to a route, with what only creation knows. */
export interface PlacedOrder {
  order: Order;
  payParams?: PayParams;
}

/**
 * What the routes need from the application, one method per use case. The composition root binds
 * each to its use case, so a route never builds or knows one, and tests could bind fakes.
 */
export interface ServiceOperations {
  listProducts(): Promise<Product[]>;
  createOrder(input: CreateOrderInput): Promise<PlacedOrder>;
  retryPrepay(orderNo: string): Promise<PlacedOrder>;
  /** Throws `ORDER_NOT_FOUND`. */
  getOrder(orderNo: string): Promise<Order>;
  listOrders(filter: OrderFilter): Promise<Order[]>;
  handlePaymentNotification(
    apiVersion: ApiVersion,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
    handling?: NotificationHandling,
  ): Promise<NotificationVerdict>;
  /** `true` when the database answers. */
  ping(): Promise<boolean>;
}

/** Everything `buildHttpApp` is given. */
export interface HttpAppOptions {
  operations: ServiceOperations;
  /** WeChat's acknowledgement and refusal formats, for the notification routes. */
  replies: InboundNotificationsByVersion;
  /** The refund API and refund notifications; absent = not served. */
  refunds?: RefundOperations;
  /** The admin console's operations beyond the order list. */
  admin?: AdminOperations;
  events: EventBus;
  adminToken: string;
  /** Native mode 1 (product QR codes and their scan callback); absent = routes not served. */
  nativeMode1?: NativeMode1Operations;
  /** Demo mode: the pages link to the stand-in WeChat app; absent for a real merchant. */
  demo?: { wechatAppUrl: string };
  trustProxy?: boolean;
  logger?: boolean;
  /** WeChat sign-in, JS-SDK and mini-program login; absent = those routes answer 503. */
  platform?: PlatformHttpOptions;
  /** Rate limits per client; absent = the defaults. */
  limits?: AbuseLimits;
  /** `/metrics` behind this bearer token when set. */
  metricsToken?: string;
  /** Where log lines go instead of standard output (turns logging on). */
  logStream?: NodeJS.WritableStream;
  /** An https URL turns on `Strict-Transport-Security`. */
  publicUrl?: string;
}
