import { formatChinaTime, formatYuan, type Order } from '../domain/index.js';
import { CSV_BOM, csvCell as cell } from './csv-cell.js';

const COLUMNS: readonly [string, (order: Order) => string | number | null][] = [
  ['订单号 order_no', (o) => o.orderNo],
  ['状态 state', (o) => o.state],
  ['金额（分）amount_fen', (o) => o.amountFen],
  ['金额 amount', (o) => formatYuan(o.amountFen)],
  ['已退款（分）refunded_fen', (o) => o.refundedFen],
  ['商品 product', (o) => o.productId],
  ['描述 description', (o) => o.description],
  ['数量 quantity', (o) => o.quantity],
  ['支付方式 pay_type', (o) => o.payType],
  ['API', (o) => o.apiVersion],
  ['微信支付订单号 transaction_id', (o) => o.transactionId],
  ['付款人 payer_openid', (o) => o.payerOpenid],
  ['创建时间（北京时间）created_at_utc8', (o) => formatChinaTime(o.createdAt)],
  ['支付时间（北京时间）paid_at_utc8', (o) => (o.paidAt ? formatChinaTime(o.paidAt) : null)],
  ['关闭时间（北京时间）closed_at_utc8', (o) => (o.closedAt ? formatChinaTime(o.closedAt) : null)],
];

/** The admin's order export as CSV lines (see {@link cell} for the quoting), header first. */
export async function* ordersCsv(orders: AsyncIterable<Order>): AsyncGenerator<string> {
  yield `${CSV_BOM}${COLUMNS.map(([name]) => cell(name)).join(',')}\r\n`;
  for await (const order of orders) {
    yield `${COLUMNS.map(([, value]) => cell(value(order))).join(',')}\r\n`;
  }
}
