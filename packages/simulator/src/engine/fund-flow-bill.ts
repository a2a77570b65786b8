import { createHash } from 'node:crypto';
import { beijingDateTime, dayRange, feeOf, quoted, yuan } from './bill-format.js';
import type { RefundRecord, TradeRecord } from './sim-records.js';

/**
 * The fund-flow bill (资金账单) of a merchant's basic account, laid out as the official "资金账单文件
 * 格式说明" shows: header, back-quoted entry lines, summary header, back-quoted summary (counts as
 * plain integers, as the field table gives them). Same formats as the trade bill (`bill-format.ts`).
 */
export interface FundFlowBillInput {
  trades: Iterable<TradeRecord>;
  refunds: Iterable<RefundRecord>;
  /** `YYYY-MM-DD`, UTC+8. */
  date: string;
  mchid: string;
}

const FUND_FLOW_COLUMNS =
  '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号';
const FUND_FLOW_SUMMARY_COLUMNS = '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额';

/**
 * Builds a day's fund-flow bill (basic account): per payment an income (交易) and the fee taken
 * (扣除交易手续费); per accepted refund an expense (退款) and the fee given back (退还交易手续费); per
 * closed refund the money coming back (退款关闭). `账户结余` runs over the merchant's whole history.
 */
export function buildFundFlowBill(input: FundFlowBillInput): string {
  const entries = fundFlowEntries(input);
  const { start, end } = dayRange(input.date);
  let balance = 0;
  const lines = [FUND_FLOW_COLUMNS];
  const counts = { income: 0, incomeFen: 0, expense: 0, expenseFen: 0 };
  for (const entry of entries) {
    balance += entry.income ? entry.fen : -entry.fen;
    if (entry.at < start || entry.at >= end) continue;
    if (entry.income) {
      counts.income += 1;
      counts.incomeFen += entry.fen;
    } else {
      counts.expense += 1;
      counts.expenseFen += entry.fen;
    }
    lines.push(
      quoted([
        beijingDateTime(entry.at),
        entry.businessNo,
        flowNo(input.mchid, entry),
        entry.name,
        entry.kind,
        entry.income ? '收入' : '支出',
        yuan(entry.fen),
        yuan(balance),
        'system',
        entry.remark,
        entry.voucherNo,
      ]),
    );
  }
  const total = counts.income + counts.expense;
  lines.push(
    FUND_FLOW_SUMMARY_COLUMNS,
    quoted([
      String(total),
      String(counts.income),
      yuan(counts.incomeFen),
      String(counts.expense),
      yuan(counts.expenseFen),
    ]),
  );
  return `${lines.join('\r\n')}\r\n`;
}

/** True when nothing moved on the merchant's account that day. */
export function fundFlowBillIsEmpty(input: FundFlowBillInput): boolean {
  const { start, end } = dayRange(input.date);
  return !fundFlowEntries(input).some((e) => e.at >= start && e.at < end);
}

interface FundFlowEntry {
  at: number;
  income: boolean;
  fen: number;
  name: string;
  kind: string;
  businessNo: string;
  voucherNo: string;
  remark: string;
}

function fundFlowEntries(input: FundFlowBillInput): FundFlowEntry[] {
  const entries: FundFlowEntry[] = [];
  for (const trade of input.trades) {
    if (trade.mchid !== input.mchid || trade.paidAt === undefined || !trade.transactionId) continue;
    const base = {
      at: trade.paidAt,
      name: '交易',
      businessNo: trade.transactionId,
      voucherNo: trade.outTradeNo,
      remark: '',
    };
    entries.push({ ...base, income: true, fen: trade.totalFen, kind: '交易' });
    const fee = feeOf(trade.totalFen);
    if (fee > 0) entries.push({ ...base, income: false, fen: fee, kind: '扣除交易手续费' });
  }
  for (const refund of input.refunds) {
    if (refund.mchid !== input.mchid) continue;
    const base = {
      name: '退款',
      businessNo: refund.refundId,
      voucherNo: `REF${refund.transactionId}`,
      remark: refund.reason ?? '',
    };
    entries.push({ ...base, at: refund.createdAt, income: false, fen: refund.refundFen, kind: '退款' });
    const fee = feeOf(refund.refundFen);
    if (fee > 0)
      entries.push({ ...base, at: refund.createdAt, income: true, fen: fee, kind: '退还交易手续费' });
    if (refund.status === 'CLOSED') {
      const at = refund.successAt ?? refund.createdAt;
      entries.push({ ...base, at, income: true, fen: refund.refundFen, kind: '退款关闭' });
    }
  }
  return entries.sort((a, b) => a.at - b.at);
}

/** Stable per entry, so downloading a day twice gives the same file. */
function flowNo(mchid: string, entry: FundFlowEntry): string {
  const digest = createHash('sha1').update(`${entry.businessNo}:${entry.kind}`).digest();
  return `${mchid}${beijingDateTime(entry.at).slice(0, 10).replaceAll('-', '')}${digest.readUInt32BE(0).toString().padStart(10, '0')}`;
}
