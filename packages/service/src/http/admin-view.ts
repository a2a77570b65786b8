import type { Static } from '@sinclair/typebox';
import type { BucketTotals, Order, OrderHistoryEntry, ReceivedNotification } from '../domain/index.js';
import type {
  AdminOrderSchema,
  HistoryEntrySchema,
  ReceivedNotificationSchema,
  StatsBucketSchema,
} from './admin-api-schemas.js';
import { orderView } from './order-view.js';

/** The admin console's JSON: the buyer's order view plus admin-only fields, ISO times, fen. */
export const adminView = {
  order(order: Order): Static<typeof AdminOrderSchema> {
    return {
      ...orderView(order),
      openid: order.openid ?? undefined,
      payerOpenid: order.payerOpenid ?? undefined,
      fulfilledAt: order.fulfilledAt?.toISOString(),
      ...(order.merchantReference ? { merchantReference: order.merchantReference } : {}),
      ...(order.apiClient ? { apiClient: order.apiClient } : {}),
      ...(order.wechatErrorCode
        ? { wechatError: { code: order.wechatErrorCode, message: order.wechatErrorMessage ?? '' } }
        : {}),
    };
  },

  history(entry: OrderHistoryEntry): Static<typeof HistoryEntrySchema> {
    return {
      fromState: entry.fromState,
      toState: entry.toState,
      reason: entry.reason,
      source: entry.source,
      at: entry.at.toISOString(),
    };
  },

  notification(entry: ReceivedNotification): Static<typeof ReceivedNotificationSchema> {
    return {
      receivedAt: entry.receivedAt.toISOString(),
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      verified: entry.verified,
      outcome: entry.outcome,
      headers: entry.headers,
      rawBody: entry.rawBody,
      ...(entry.decryptedBody ? { decryptedBody: entry.decryptedBody } : {}),
    };
  },

  bucket(bucket: BucketTotals): Static<typeof StatsBucketSchema> {
    return {
      start: new Date(bucket.start).toISOString(),
      paidAmount: bucket.paidAmountFen,
      paidOrders: bucket.paidOrders,
      createdOrders: bucket.createdOrders,
      refunds: bucket.refunds,
      refundedAmount: bucket.refundedAmountFen,
      fee: bucket.feeFen,
      net: bucket.paidAmountFen - bucket.refundedAmountFen - bucket.feeFen,
    };
  },
};
