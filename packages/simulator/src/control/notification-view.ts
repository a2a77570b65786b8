import type { TradeRecord } from '../engine/sim-records.js';
import type { NotificationDispatcher } from '../notifier/notification-dispatcher.js';
import type { DeliveryAttempt, NotificationRecord } from '../notifier/notification-log.js';
import type { SimContext } from '../sim-context.js';

/** A notification in a list: everything but the bytes sent, which only the detail view carries. */
export type NotificationSummary = Omit<NotificationRecord, 'body' | 'headers'> & {
  attemptCount: number;
  lastAttempt?: DeliveryAttempt;
};

/** The notifier behind the context: its log and `resend`. */
export function dispatcherOf(ctx: Pick<SimContext, 'notifier'>): NotificationDispatcher {
  return ctx.notifier;
}

export function notificationSummary(record: NotificationRecord): NotificationSummary {
  const { body: _body, headers: _headers, ...rest } = record;
  return { ...rest, attemptCount: record.attempts.length, lastAttempt: record.attempts.at(-1) };
}

/** An order's callbacks — its payment and its refunds — newest first. */
export function notificationsOfTrade(
  ctx: Pick<SimContext, 'notifier'>,
  trade: TradeRecord,
): NotificationSummary[] {
  return dispatcherOf(ctx)
    .list({ mchid: trade.mchid, outTradeNo: trade.outTradeNo })
    .map(notificationSummary);
}
