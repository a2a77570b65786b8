import type { Static } from '@sinclair/typebox';
import type { AdminOrderSchema, OrderDetailSchema, StatsBucketSchema } from './admin-api-schemas.js';
import type { OrderSchema, ProductSchema } from './api-schemas.js';
import type { RefundSchema } from './refund-schemas.js';

/**
 * Answers as the API really gives them, for the OpenAPI document. Typed by the answer schemas, so
 * an example that no longer matches its schema fails to compile (and the document test checks
 * each one against the schema the document publishes).
 */

const ORDER_NO = '20261203100000A1b2C3d4E5';

export const PRODUCTS_EXAMPLE: Static<typeof ProductSchema>[] = [
  {
    id: 'demo-coffee',
    name: '拿铁咖啡',
    description: '中杯，燕麦奶',
    price: 990,
    priceText: '¥9.90',
    available: true,
  },
];

export const NEW_ORDER_EXAMPLE: Static<typeof OrderSchema> = {
  orderNo: ORDER_NO,
  state: 'NOTPAY',
  productId: 'demo-coffee',
  quantity: 1,
  description: '拿铁咖啡',
  amount: 990,
  amountText: '¥9.90',
  refundedAmount: 0,
  payType: 'NATIVE',
  apiVersion: 'v3',
  createdAt: '2026-12-03T02:00:00.000Z',
  expiresAt: '2026-12-03T02:15:00.000Z',
  codeUrl: 'weixin://wxpay/bizpayurl?pr=Xy7aBc9',
  qrCodeUrl: `/api/orders/${ORDER_NO}/qrcode.svg`,
};

export const PAID_ORDER_EXAMPLE: Static<typeof OrderSchema> = {
  ...NEW_ORDER_EXAMPLE,
  state: 'PAID',
  paidAt: '2026-12-03T02:01:12.000Z',
  transactionId: '4200002026120312345678901234',
};

/** A payment code just taken at the till: stored, its job about to call WeChat. */
export const POS_ORDER_EXAMPLE: Static<typeof OrderSchema> = {
  orderNo: ORDER_NO,
  state: 'NOTPAY',
  productId: '@custom-amount',
  quantity: 1,
  description: '门店收款',
  amount: 2500,
  amountText: '¥25.00',
  refundedAmount: 0,
  payType: 'MICROPAY',
  apiVersion: 'v3',
  createdAt: '2026-12-03T02:00:00.000Z',
  expiresAt: '2026-12-03T02:15:00.000Z',
};

export const REFUND_EXAMPLE: Static<typeof RefundSchema> = {
  refundNo: `R${ORDER_NO}`,
  orderNo: ORDER_NO,
  amount: 990,
  amountText: '¥9.90',
  reason: '顾客取消',
  state: 'PROCESSING',
  apiVersion: 'v3',
  wechatRefundId: '50000000382019052709732678859',
  createdAt: '2026-12-03T03:00:00.000Z',
  updatedAt: '2026-12-03T03:00:00.000Z',
};

export const ADMIN_ORDER_EXAMPLE: Static<typeof AdminOrderSchema> = {
  ...PAID_ORDER_EXAMPLE,
  payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  fulfilledAt: '2026-12-03T02:01:12.500Z',
};

export const ORDER_DETAIL_EXAMPLE: Static<typeof OrderDetailSchema> = {
  order: ADMIN_ORDER_EXAMPLE,
  history: [
    { fromState: null, toState: 'NOTPAY', reason: 'created', source: 'api', at: '2026-12-03T02:00:00.000Z' },
    {
      fromState: 'NOTPAY',
      toState: 'PAID',
      reason: 'payment notification, transaction 4200002026120312345678901234',
      source: 'notify-v3',
      at: '2026-12-03T02:01:12.000Z',
    },
  ],
  notifications: [],
  refunds: [],
};

export const STATS_EXAMPLE: Static<typeof StatsBucketSchema>[] = [
  {
    start: '2026-12-03T02:00:00.000Z',
    paidAmount: 7790,
    paidOrders: 2,
    createdOrders: 3,
    refunds: 1,
    refundedAmount: 990,
    fee: 47,
    net: 6753,
  },
];

const WEBHOOK_EVENT_ID = `evt_order_paid_${ORDER_NO}`;

export const WEBHOOK_DELIVERY_EXAMPLE = {
  id: `${WEBHOOK_EVENT_ID}|env`,
  eventId: WEBHOOK_EVENT_ID,
  eventType: 'order.paid',
  subject: ORDER_NO,
  endpointId: 'env',
  status: 'delivered',
  attempts: 2,
  lastHttpStatus: 204,
  lastAttemptAt: '2026-12-03T02:01:17.300Z',
  deliveredAt: '2026-12-03T02:01:17.300Z',
  createdAt: '2026-12-03T02:01:12.100Z',
};

export const WEBHOOK_DELIVERY_DETAIL_EXAMPLE = {
  ...WEBHOOK_DELIVERY_EXAMPLE,
  event: {
    id: WEBHOOK_EVENT_ID,
    type: 'order.paid',
    createdAt: '2026-12-03T02:01:12.000Z',
    data: { orderNo: ORDER_NO, amount: 990, transactionId: '4200002026120312345678901234' },
  },
  history: [
    {
      at: '2026-12-03T02:01:12.200Z',
      acked: false,
      httpStatus: 503,
      error: 'answered HTTP 503',
      durationMs: 12,
      manual: false,
    },
    { at: '2026-12-03T02:01:17.300Z', acked: true, httpStatus: 204, durationMs: 9, manual: false },
  ],
};

/** A webhook endpoint added from the admin (never with its secret but in the answers that make one). */
export const WEBHOOK_ENDPOINT_EXAMPLE = {
  id: 'we_Q2x9fLm3RtZa',
  url: 'https://erp.example.com/hooks/wechatpay',
  events: ['order.paid', 'refund.succeeded'],
  description: 'ERP 订单系统',
  enabled: true,
  readOnly: false,
  createdAt: '2026-12-03T02:00:00.000Z',
  updatedAt: '2026-12-03T02:00:00.000Z',
};

export const WEBHOOK_ENDPOINT_SECRET_EXAMPLE = 'whsec_3q2mZ7yKcV8nB1xR4tW6uE9oP0aS5dF2gH7jL3kQ8zY';

const RECONCILIATION_DAY = '2026-12-02';

export const RECONCILIATION_EXAMPLE = {
  date: RECONCILIATION_DAY,
  status: 'UNBALANCED',
  statusLabel: '有差异 / discrepancies',
  apiVersion: 'v3',
  wechat: { payments: 3, paymentFen: 2970, refunds: 1, refundFen: 300, feeFen: 16, netFen: 2654 },
  local: { payments: 2, paymentFen: 1980, refunds: 1, refundFen: 300, feeFen: 16, netFen: 1664 },
  billRows: 4,
  billHash: '2c26b46b68ffc68ff99b453c1d30413413422d70',
  fundFlow: { rows: 4, incomeFen: 2954, expenseFen: 298 },
  discrepancies: { open: 1, repaired: 1, resolved: 0 },
  attempts: 1,
  startedAt: '2026-12-03T02:00:00.100Z',
  finishedAt: '2026-12-03T02:00:01.900Z',
};

export const RECONCILIATION_DETAIL_EXAMPLE = {
  reconciliation: RECONCILIATION_EXAMPLE,
  discrepancies: [
    {
      id: 7,
      date: RECONCILIATION_DAY,
      kind: 'PAID_AT_WECHAT_ONLY',
      label: '微信已收款，本地未支付 / paid at WeChat, unpaid here',
      orderNo: ORDER_NO,
      wechatFen: 990,
      localFen: 990,
      detail: 'state here NOTPAY',
      resolution: 'repaired',
      note: 'marked paid from the bill (4200002026120212345678901234)',
      createdAt: '2026-12-03T02:00:01.500Z',
      resolvedAt: '2026-12-03T02:00:01.500Z',
    },
    {
      id: 8,
      date: RECONCILIATION_DAY,
      kind: 'UNKNOWN_ORDER',
      label: '账单中的订单本地没有记录 / an order the service never recorded',
      orderNo: 'TILL20261202001',
      wechatFen: 990,
      detail: 'WeChat 4200002026120212345678905678; no such order here',
      resolution: 'open',
      createdAt: '2026-12-03T02:00:01.500Z',
    },
  ],
};
