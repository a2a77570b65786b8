import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  ApiVersion,
  Order,
  OrderHistoryEntry,
  OrderState,
  PayType,
  Product,
} from '../../domain/order.js';
import type { NewOrder, ReceivedNotification, TransitionRequest } from '../../domain/ports.js';
import { storableNotification } from '../../domain/unverified-notification.js';
import type {
  NotificationsReceivedTable,
  OrderHistoryTable,
  OrdersTable,
  ProductsTable,
} from './database-schema.js';
import { historyRowMapper } from './history-row-mapper.js';
import { toDate, toMillis, toNullableDate, toNullableMillis } from './instant-columns.js';

/**
 * Every conversion between rows and domain objects lives here: epoch ms ↔ Date, 0/1 ↔ boolean,
 * JSON text ↔ object. Nothing else in the persistence adapter knows how a column is stored.
 */
export const rowMapper = {
  toProduct(row: Selectable<ProductsTable>): Product {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      priceFen: Number(row.price_fen),
      stock: row.stock === null ? null : Number(row.stock),
      active: Boolean(row.active),
    };
  },

  fromProduct(product: Product): Insertable<ProductsTable> {
    return {
      id: product.id,
      name: product.name,
      description: product.description,
      price_fen: product.priceFen,
      stock: product.stock,
      active: product.active ? 1 : 0,
    };
  },

  toOrder(row: Selectable<OrdersTable>): Order {
    return {
      orderNo: row.order_no,
      productId: row.product_id,
      quantity: Number(row.quantity),
      description: row.description,
      amountFen: Number(row.amount_fen),
      state: row.state as OrderState,
      payType: row.pay_type as PayType,
      apiVersion: row.api_version as ApiVersion,
      openid: row.openid,
      payerOpenid: row.payer_openid,
      clientIp: row.client_ip,
      codeUrl: row.code_url,
      prepayId: row.prepay_id,
      h5Url: row.h5_url,
      transactionId: row.transaction_id,
      wechatErrorCode: row.wechat_error_code,
      wechatErrorMessage: row.wechat_error_message,
      createdAt: toDate(row.created_at),
      expiresAt: toDate(row.expires_at),
      paidAt: toNullableDate(row.paid_at),
      closedAt: toNullableDate(row.closed_at),
      fulfilledAt: toNullableDate(row.fulfilled_at),
      refundedFen: Number(row.refunded_fen),
      ...(row.merchant_reference ? { merchantReference: row.merchant_reference } : {}),
      ...(row.api_client ? { apiClient: row.api_client } : {}),
    };
  },

  fromNewOrder(order: NewOrder, state: OrderState, now: Date): Insertable<OrdersTable> {
    return {
      order_no: order.orderNo,
      product_id: order.productId,
      quantity: order.quantity,
      description: order.description,
      amount_fen: order.amountFen,
      state,
      pay_type: order.payType,
      api_version: order.apiVersion,
      openid: order.openid,
      client_ip: order.clientIp,
      mode1_callback_key: order.mode1CallbackKey ?? null,
      ...(order.apiClient === undefined ? {} : { api_client: order.apiClient }),
      ...(order.merchantReference === undefined ? {} : { merchant_reference: order.merchantReference }),
      created_at: toMillis(order.createdAt),
      expires_at: toMillis(order.expiresAt),
      refunded_fen: 0,
      updated_at: toMillis(now),
    };
  },

  /** The columns a transition sets besides `state`; only the ones the caller named. */
  fromTransitionChanges(changes: TransitionRequest['changes'] = {}): Updateable<OrdersTable> {
    const row: Updateable<OrdersTable> = {};
    if (changes.transactionId !== undefined) row.transaction_id = changes.transactionId;
    if (changes.payerOpenid !== undefined) row.payer_openid = changes.payerOpenid;
    if (changes.paidAt !== undefined) row.paid_at = toNullableMillis(changes.paidAt);
    if (changes.closedAt !== undefined) row.closed_at = toNullableMillis(changes.closedAt);
    if (changes.fulfilledAt !== undefined) row.fulfilled_at = toNullableMillis(changes.fulfilledAt);
    if (changes.refundedFen !== undefined) row.refunded_fen = changes.refundedFen;
    if (changes.wechatErrorCode !== undefined) row.wechat_error_code = changes.wechatErrorCode;
    if (changes.wechatErrorMessage !== undefined) row.wechat_error_message = changes.wechatErrorMessage;
    return row;
  },

  toHistoryEntry(row: Selectable<OrderHistoryTable>): OrderHistoryEntry {
    return { orderNo: row.order_no, ...historyRowMapper.toFields<OrderState>(row) };
  },

  fromHistoryEntry(entry: OrderHistoryEntry): Insertable<OrderHistoryTable> {
    return { order_no: entry.orderNo, ...historyRowMapper.fromFields(entry) };
  },

  toNotification(row: Selectable<NotificationsReceivedTable>): ReceivedNotification {
    return {
      apiVersion: row.api_version as ApiVersion,
      kind: row.kind as ReceivedNotification['kind'],
      orderNo: row.order_no,
      rawBody: row.raw_body,
      headers: JSON.parse(row.headers) as Record<string, string>,
      verified: Boolean(row.verified),
      outcome: row.outcome,
      receivedAt: toDate(row.received_at),
      ...(row.decrypted_body === null ? {} : { decryptedBody: row.decrypted_body }),
    };
  },

  /** Stored bounded when unverified ({@link storableNotification}), whole when verified. */
  fromNotification(received: ReceivedNotification): Insertable<NotificationsReceivedTable> {
    const entry = storableNotification(received);
    return {
      api_version: entry.apiVersion,
      kind: entry.kind,
      order_no: entry.orderNo === null ? null : storableText(entry.orderNo),
      raw_body: storableText(entry.rawBody),
      headers: JSON.stringify(entry.headers),
      verified: entry.verified ? 1 : 0,
      outcome: storableText(entry.outcome),
      received_at: toMillis(entry.receivedAt),
      // Always present, so the cached INSERT has one column list.
      decrypted_body: entry.verified && entry.decryptedBody ? storableText(entry.decryptedBody) : null,
    };
  },
};

/**
 * Text from outside (a notification's raw body, a claimed order number) as PostgreSQL can store it:
 * its text type refuses NUL, so a forged body carrying one failed the insert and was answered 500
 * instead of being logged and refused. A NUL becomes U+FFFD, as no genuine WeChat body has one.
 */
function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

export { toDate, toMillis, toNullableDate, toNullableMillis } from './instant-columns.js';
