import type { BillCsvLine } from '@wechatpay-kit/sdk';
import { type BillLine, DomainError, type Fen } from '../../domain/index.js';
import { fromChinaDashedTime } from './china-time.js';
import { toGatewayError } from './wechat-error-mapper.js';

/**
 * WeChat's trade bill, the same CSV in both API versions, turned into the domain's lines: amounts
 * from yuan text to fen, times from China time, a refund line (`交易状态` REFUND) told apart from
 * a payment, a payment code's reversal (`交易状态` REVOKED) read as a payment line whose amount is
 * the money given back. A value that does not read as what its column holds stops the run: a bill is
 * reconciled whole or not at all.
 */
export async function* tradeBillLines(csv: AsyncIterable<BillCsvLine>): AsyncGenerator<BillLine> {
  for await (const line of csv) {
    const v = line.values;
    if (line.kind === 'summary') {
      yield {
        kind: 'summary',
        totals: {
          count: count(v.总交易单数, line.lineNo),
          paymentFen: fen(v.应结订单总金额, '应结订单总金额', line.lineNo),
          refundFen: fen(v.退款总金额 ?? '0', '退款总金额', line.lineNo),
          feeFen: fen(v.手续费总金额, '手续费总金额', line.lineNo),
        },
      };
      continue;
    }
    const at = fromChinaDashedTime(v.交易时间);
    if (!at) throw unreadable(line.lineNo, '交易时间', v.交易时间);
    const refund = v.交易状态 === 'REFUND';
    // A payment code reversed after it was charged: a payment line whose amount went back.
    const back = refund || v.交易状态 === 'REVOKED';
    yield {
      kind: refund ? 'refund' : 'payment',
      at,
      orderNo: v.商户订单号 ?? '',
      transactionId: v.微信订单号 ?? '',
      ...(refund ? { refundNo: v.商户退款单号, wechatRefundId: v.微信退款单号 } : {}),
      amountFen: back
        ? fen(v.退款金额, '退款金额', line.lineNo)
        : fen(v.订单金额 ?? v.应结订单金额, '订单金额', line.lineNo),
      settlementFen: refund ? 0 : fen(v.应结订单金额, '应结订单金额', line.lineNo),
      feeFen: fen(v.手续费, '手续费', line.lineNo),
      state: (refund ? v.退款状态 : v.交易状态) ?? '',
    };
  }
}

/** Fund-flow bill totals: 收支类型 收入 / 支出 with 收支金额（元）. */
export async function fundFlowTotals(
  csv: AsyncIterable<BillCsvLine>,
): Promise<{ rows: number; incomeFen: Fen; expenseFen: Fen }> {
  const totals = { rows: 0, incomeFen: 0, expenseFen: 0 };
  for await (const line of csv) {
    if (line.kind === 'summary') continue;
    const amount = fen(line.values['收支金额（元）'] ?? line.values['收支金额(元)'], '收支金额', line.lineNo);
    totals.rows++;
    if (line.values.收支类型 === '支出') totals.expenseFen += amount;
    else totals.incomeFen += amount;
  }
  return totals;
}

/** Yuan text (`12.34`, `0.06000`, `-0.01`) to fen, rounding half up past the fen as WeChat rounds fees. */
export function yuanToFen(text: string): Fen | undefined {
  const m = /^(-?)(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return undefined;
  const decimals = (m[3] ?? '').padEnd(3, '0');
  const cents = Number(m[2]) * 100 + Number(decimals.slice(0, 2)) + (Number(decimals[2]) >= 5 ? 1 : 0);
  return m[1] ? -cents : cents;
}

function fen(text: string | undefined, column: string, lineNo: number): Fen {
  const value = text === undefined ? undefined : yuanToFen(text);
  if (value === undefined) throw unreadable(lineNo, column, text);
  return value;
}

function count(text: string | undefined, lineNo: number): number {
  if (!text || !/^\d{1,9}$/.test(text)) throw unreadable(lineNo, '总交易单数', text);
  return Number(text);
}

function unreadable(lineNo: number, column: string, value: string | undefined): DomainError {
  return new DomainError(
    'BILL_INCONSISTENT',
    `bill line ${lineNo}: ${column} ${value === undefined ? 'is missing' : `"${value.slice(0, 40)}" is not readable`}`,
  );
}

/** The lines, with an SDK failure mid-stream (digest mismatch, lost connection) turned into the gateway's error. */
export async function* gatewayErrors<T>(operation: string, lines: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* lines;
  } catch (error) {
    throw toGatewayError(operation, error);
  }
}
