/**
 * The events the wechatpay-kit payment service sends to the merchant's own systems (its outbound
 * webhooks). Amounts are integer fen; times are ISO 8601 instants. Deduplicate by `id`: an event
 * is delivered at least once and may arrive again after a timeout or a resend.
 */
export interface KitWebhookEventData {
  'order.paid': {
    orderNo: string;
    /** Fen. */
    amount: number;
    transactionId: string;
    paidAt: string;
    payType: string;
    apiVersion: 'v2' | 'v3';
    productId: string;
    description: string;
    /** Your own reference, when your system placed the order with a merchant API key. */
    merchantReference?: string;
  };
  'order.closed': {
    orderNo: string;
    amount: number;
    closedAt: string;
    merchantReference?: string;
  };
  'refund.succeeded': {
    refundNo: string;
    orderNo: string;
    amount: number;
    succeededAt: string;
    wechatRefundId?: string;
  };
  'refund.failed': {
    refundNo: string;
    orderNo: string;
    amount: number;
    /** The refund's final state: ABNORMAL (money not returned yet, a person must act), CLOSED or FAILED. */
    state: 'ABNORMAL' | 'CLOSED' | 'FAILED';
    errorMessage?: string;
  };
  'reconciliation.discrepancy': {
    /** The China-time day of the bill, `YYYY-MM-DD`. */
    date: string;
    kind: string;
    orderNo?: string;
    refundNo?: string;
    /** Fen: what WeChat's bill says and what the service recorded, when the difference is about money. */
    wechatAmount?: number;
    localAmount?: number;
    detail: string;
  };
}

export type KitWebhookEventType = keyof KitWebhookEventData;

/** One delivered event; `type` narrows `data`. */
export type KitWebhookEvent<T extends KitWebhookEventType = KitWebhookEventType> = {
  [K in T]: {
    /** Unique per event, the same on every delivery of it: the deduplication key. */
    id: string;
    type: K;
    /** When the change happened. */
    createdAt: string;
    data: KitWebhookEventData[K];
  };
}[T];

export const KIT_WEBHOOK_EVENT_TYPES: readonly KitWebhookEventType[] = [
  'order.paid',
  'order.closed',
  'refund.succeeded',
  'refund.failed',
  'reconciliation.discrepancy',
];
