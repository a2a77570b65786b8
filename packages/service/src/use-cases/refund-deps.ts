import type {
  AuditLog,
  Clock,
  EventBus,
  InboundNotificationsByVersion,
  JobQueue,
  NewJob,
  NotificationLog,
  OrderRepository,
  RefundGateway,
  RefundRepository,
  WebhookEndpoints,
} from '../domain/index.js';
import { followUpJobKey, type UseCaseLogger } from './use-case-deps.js';

/** Everything the refund use cases may touch, all ports; each declares its part with `Pick`. */
export interface RefundDeps {
  refunds: RefundRepository;
  orders: OrderRepository;
  refundGateway: RefundGateway;
  inbound: InboundNotificationsByVersion;
  notifications: NotificationLog;
  jobs: JobQueue;
  events: EventBus;
  clock: Clock;
  /** The merchant's webhook endpoints; a refund's end writes its event only when one wants it. */
  webhooks?: WebhookEndpoints;
  logger?: UseCaseLogger;
  /** Where an admin's refunds are recorded. */
  audit?: AuditLog;
}

export const REFUND_QUERY_JOB = 'refund-query';

/**
 * The `refund-query` job of a refund at `runAt`. The first one is keyed by the refund number, each
 * follow-up by {@link followUpJobKey} (the running job is still pending while it schedules the next).
 */
export function refundQueryJob(refundNo: string, runAt: Date, attempt: number): NewJob {
  const key = attempt <= 1 ? refundNo : followUpJobKey(refundNo, runAt);
  return { type: REFUND_QUERY_JOB, key, runAt, payload: { refundNo, attempt } };
}
