import { beijingDateTime, dayRange, FEE_RATE_PERCENT, feeOf, feeYuan, quoted, yuan } from './bill-format.js';
import type { RefundRecord, RefundStatus, TradeRecord } from './sim-records.js';

export { FEE_RATE_PERCENT } from './bill-format.js';
export { buildFundFlowBill, type FundFlowBillInput, fundFlowBillIsEmpty } from './fund-flow-bill.js';

/**
 * WeChat Pay's daily bills (v2 `downloadbill` / `downloadfundflow`, v3 `tradebill` / `fundflowbill`
 * downloads), built from the simulator's records. The layout follows the official "交易账单 / 资金账单
 * 文件格式说明": a header line, one line per entry with every value prefixed by a back-quote (so
 * spreadsheets keep 28-digit ids as text), then the summary header and the summary line, also
 * back-quoted. Money is yuan with two decimals; fees (手续费) have five, as in real bills. Lines end
 * with CRLF.
 *
 * Trade bill rows (columns per type exactly as the official table lists them):
 * - a payment row per order whose payment succeeded that day (`交易状态` SUCCESS — a snapshot: a later
 *   refund does not change it), with the refund columns `0` / `0.00`;
 * - a refund row per refund accepted that day (`交易状态` REFUND, `退款类型` ORIGINAL, `退款状态` as v2
 *   words SUCCESS / PROCESSING / CHANGE / REFUNDCLOSE), whose order amounts are `0.00` and whose fee is
 *   the fee given back, negative;
 * - a reversal row per paid payment-code order reversed (撤销) that day (`交易状态` REVOKED), shaped
 *   like a full refund with no refund number: the money and the fee went back.
 * `特约商户号` is `0` (an ordinary merchant), `设备号` empty, `付款银行` the order's bank type, the fee
 * rate {@link FEE_RATE_PERCENT}% rounded to the fen. The summary counts every row and sums the
 * columns, as WeChat's does. The fund-flow bill lives in `fund-flow-bill.ts`, re-exported here.
 */
export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';

export interface TradeBillInput {
  /** The merchant's orders (any day: payment rows are picked by payment time, refund rows need their order). */
  trades: Iterable<TradeRecord>;
  /** The merchant's refunds (rows are picked by the time the refund was accepted). */
  refunds: Iterable<RefundRecord>;
  /** The bill day, `YYYY-MM-DD`, a day in UTC+8. */
  date: string;
  type: TradeBillType;
  mchid: string;
  /** Only rows of this app; WeChat bills a merchant as a whole, so normally left out. */
  appid?: string;
}

/** The header lines exactly as the official format page lists them per bill type. */
const TRADE_COLUMNS: Record<TradeBillType, string> = {
  ALL:
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
    '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  SUCCESS:
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
    '商品名称,商户数据包,手续费,费率,订单金额,费率备注',
  REFUND:
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,' +
    '退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
};

const TRADE_SUMMARY_COLUMNS: Record<TradeBillType, string> = {
  ALL: '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  SUCCESS: '总交易单数,应结订单总金额,手续费总金额,订单总金额',
  REFUND: '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
};

/** v2 refund status words, which bills use too. */
const REFUND_STATUS_WORD: Record<RefundStatus, string> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  ABNORMAL: 'CHANGE',
  CLOSED: 'REFUNDCLOSE',
};

/** One bill line before formatting: amounts in fen, so sums are exact. */
interface TradeBillRow {
  at: number;
  trade: TradeRecord;
  refund?: RefundRecord;
  /** A paid payment-code order reversed that day: its money went back in full. */
  revoked?: boolean;
  settlementFen: number;
  refundFen: number;
  feeFen: number;
  orderFen: number;
  requestedRefundFen: number;
}

/** Builds a day's trade bill as WeChat's CSV text (see the module comment for the columns). */
export function buildTradeBill(input: TradeBillInput): string {
  const rows = tradeBillRows(input);
  const lines = [TRADE_COLUMNS[input.type]];
  for (const row of rows) lines.push(quoted(tradeBillValues(row, input.type)));
  const sum = (pick: (row: TradeBillRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const settlement = yuan(sum((r) => r.settlementFen));
  const fees = feeYuan(sum((r) => r.feeFen));
  const orders = yuan(sum((r) => r.orderFen));
  const summary =
    input.type === 'SUCCESS'
      ? [String(rows.length), settlement, fees, orders]
      : [
          String(rows.length),
          settlement,
          yuan(sum((r) => r.refundFen)),
          '0.00',
          fees,
          orders,
          yuan(sum((r) => r.requestedRefundFen)),
        ];
  lines.push(TRADE_SUMMARY_COLUMNS[input.type], quoted(summary));
  return `${lines.join('\r\n')}\r\n`;
}

/** True when the day has no row of this type: WeChat then answers "No Bill Exist" instead of a file. */
export function tradeBillIsEmpty(input: TradeBillInput): boolean {
  return tradeBillRows(input).length === 0;
}

function tradeBillRows(input: TradeBillInput): TradeBillRow[] {
  const { start, end } = dayRange(input.date);
  const inDay = (at: number | undefined) => at !== undefined && at >= start && at < end;
  const mine = (t: TradeRecord) => t.mchid === input.mchid && (!input.appid || t.appid === input.appid);
  const trades = [...input.trades].filter(mine);
  const rows: TradeBillRow[] = [];
  if (input.type !== 'REFUND') {
    for (const trade of trades) {
      if (!inDay(trade.paidAt)) continue;
      rows.push({
        at: trade.paidAt!,
        trade,
        settlementFen: trade.totalFen,
        refundFen: 0,
        feeFen: feeOf(trade.totalFen),
        orderFen: trade.totalFen,
        requestedRefundFen: 0,
      });
    }
  }
  if (input.type !== 'SUCCESS') {
    const byOutTradeNo = new Map(trades.map((t) => [t.outTradeNo, t]));
    for (const refund of input.refunds) {
      const trade = refund.mchid === input.mchid ? byOutTradeNo.get(refund.outTradeNo) : undefined;
      if (!trade || !inDay(refund.createdAt)) continue;
      rows.push({
        at: refund.createdAt,
        trade,
        refund,
        settlementFen: 0,
        refundFen: refund.refundFen,
        feeFen: -feeOf(refund.refundFen),
        orderFen: 0,
        requestedRefundFen: refund.refundFen,
      });
    }
    for (const trade of trades) {
      if (trade.paidAt === undefined || !inDay(trade.reversedAt)) continue;
      rows.push({
        at: trade.reversedAt!,
        trade,
        revoked: true,
        settlementFen: 0,
        refundFen: trade.totalFen,
        feeFen: -feeOf(trade.totalFen),
        orderFen: 0,
        requestedRefundFen: trade.totalFen,
      });
    }
  }
  return rows.sort((a, b) => a.at - b.at);
}

function tradeBillValues(row: TradeBillRow, type: TradeBillType): string[] {
  const { trade, refund } = row;
  const values = [
    beijingDateTime(row.at),
    trade.appid,
    trade.mchid,
    '0',
    '',
    trade.transactionId ?? '',
    trade.outTradeNo,
    trade.payerOpenid ?? trade.openid ?? '',
    trade.tradeType,
    refund ? 'REFUND' : row.revoked ? 'REVOKED' : 'SUCCESS',
    trade.bankType ?? 'OTHERS',
    trade.currency,
    yuan(row.settlementFen),
    '0.00',
  ];
  if (type === 'REFUND') {
    const settledAt = refund ? refund.successAt : row.at;
    values.push(beijingDateTime(refund?.createdAt ?? row.at), settledAt ? beijingDateTime(settledAt) : '');
  }
  if (type !== 'SUCCESS') {
    const back = refund !== undefined || row.revoked === true;
    values.push(
      refund?.refundId ?? '0',
      refund?.outRefundNo ?? '0',
      yuan(row.refundFen),
      '0.00',
      back ? 'ORIGINAL' : '',
      refund ? REFUND_STATUS_WORD[refund.status] : row.revoked ? 'SUCCESS' : '',
    );
  }
  values.push(
    trade.description,
    trade.attach ?? '',
    feeYuan(row.feeFen),
    `${FEE_RATE_PERCENT.toFixed(2)}%`,
    yuan(row.orderFen),
  );
  if (type !== 'SUCCESS') values.push(yuan(row.requestedRefundFen));
  values.push('');
  return values;
}
