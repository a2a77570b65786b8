import {
  type Discrepancy,
  type DiscrepancyKind,
  formatChinaTime,
  type Reconciliation,
  type ReconciliationStatus,
} from '../domain/index.js';
import { CSV_BOM, csvCell } from './csv-cell.js';

/** What each difference means, for people: Chinese first, English beside it. */
export const DISCREPANCY_LABELS: Readonly<Record<DiscrepancyKind, string>> = {
  PAID_AT_WECHAT_ONLY: '微信已收款，本地未支付 / paid at WeChat, unpaid here',
  PAID_BUT_CLOSED_HERE: '微信已收款，本地已关闭 / paid at WeChat, closed here',
  UNKNOWN_ORDER: '账单中的订单本地没有记录 / an order the service never recorded',
  MISSING_FROM_BILL: '本地已支付，账单中没有 / paid here, absent from the bill',
  AMOUNT_MISMATCH: '金额不一致 / amounts differ',
  FEE_MISMATCH: '手续费与费率不符 / fee does not match the rate',
  REFUND_AT_WECHAT_ONLY: '微信有退款，本地没有 / a refund at WeChat only',
  REFUND_HERE_ONLY: '本地有退款，账单中没有 / a refund here only',
  REFUND_MISMATCH: '退款金额或状态不一致 / refund amount or state differs',
  REFUND_UNSETTLED_HERE: '微信已退款，本地未完成 / refunded at WeChat, open here',
};

export const RECONCILIATION_STATUS_LABELS: Readonly<Record<ReconciliationStatus, string>> = {
  RUNNING: '对账中 / running',
  WAITING_FOR_BILL: '等待账单 / waiting for the bill',
  BALANCED: '已平 / balanced',
  UNBALANCED: '有差异 / discrepancies',
  FAILED: '失败 / failed',
};

/** A day's report as the admin API answers it (instants ISO, money in fen). */
export function reconciliationView(r: Reconciliation) {
  return {
    date: r.date,
    status: r.status,
    statusLabel: RECONCILIATION_STATUS_LABELS[r.status],
    ...(r.apiVersion ? { apiVersion: r.apiVersion } : {}),
    wechat: r.wechat,
    local: r.local,
    billRows: r.billRows,
    ...(r.billHash ? { billHash: r.billHash } : {}),
    ...(r.fundFlow ? { fundFlow: r.fundFlow } : {}),
    discrepancies: r.counts,
    attempts: r.attempts,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    startedAt: r.startedAt.toISOString(),
    ...(r.finishedAt ? { finishedAt: r.finishedAt.toISOString() } : {}),
  };
}

export function discrepancyView(d: Discrepancy) {
  return {
    id: d.id,
    date: d.date,
    kind: d.kind,
    label: DISCREPANCY_LABELS[d.kind],
    orderNo: d.orderNo,
    ...(d.refundNo ? { refundNo: d.refundNo } : {}),
    ...(d.wechatFen === undefined ? {} : { wechatFen: d.wechatFen }),
    ...(d.localFen === undefined ? {} : { localFen: d.localFen }),
    detail: d.detail,
    resolution: d.resolution,
    ...(d.note ? { note: d.note } : {}),
    createdAt: d.createdAt.toISOString(),
    ...(d.resolvedAt ? { resolvedAt: d.resolvedAt.toISOString() } : {}),
  };
}

const TOTAL_ROWS: readonly [string, (t: Reconciliation['wechat']) => number][] = [
  ['收款笔数 payments', (t) => t.payments],
  ['收款（分）payment_fen', (t) => t.paymentFen],
  ['退款笔数 refunds', (t) => t.refunds],
  ['退款（分）refund_fen', (t) => t.refundFen],
  ['手续费（分）fee_fen', (t) => t.feeFen],
  ['净额（分）net_fen', (t) => t.netFen],
];

/** A day's report as CSV: the totals of both sides, then one line per difference. */
export function reconciliationCsv(r: Reconciliation, discrepancies: readonly Discrepancy[]): string {
  const line = (cells: (string | number | null | undefined)[]) => `${cells.map(csvCell).join(',')}\r\n`;
  let out = `${CSV_BOM}${line(['对账日 date', r.date, RECONCILIATION_STATUS_LABELS[r.status]])}`;
  out += line(['', '微信 WeChat', '本地 here']);
  for (const [name, pick] of TOTAL_ROWS) out += line([name, pick(r.wechat), pick(r.local)]);
  out += '\r\n';
  out += line([
    '编号 id',
    '差异 kind',
    '说明 meaning',
    '订单号 order_no',
    '退款单号 refund_no',
    '微信金额（分）wechat_fen',
    '本地金额（分）local_fen',
    '详情 detail',
    '处理 resolution',
    '备注 note',
    '发现时间（北京时间）found_at_utc8',
  ]);
  for (const d of discrepancies) {
    out += line([
      d.id,
      d.kind,
      DISCREPANCY_LABELS[d.kind],
      d.orderNo,
      d.refundNo,
      d.wechatFen,
      d.localFen,
      d.detail,
      d.resolution,
      d.note,
      formatChinaTime(d.createdAt),
    ]);
  }
  return out;
}
