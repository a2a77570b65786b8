/**
 * The bill builder on hand-made records: the official column lists, back-quoted values, yuan and
 * fee formatting, the UTC+8 day boundary, and sums the SDK's parser reads back.
 */
import { parseBillCsv } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import {
  buildFundFlowBill,
  buildTradeBill,
  fundFlowBillIsEmpty,
  tradeBillIsEmpty,
} from '../../src/engine/bill-builder.js';
import type { RefundRecord, TradeRecord } from '../../src/engine/sim-records.js';

/** 2024-03-01 00:00:00 in UTC+8. */
const DAY_START = Date.UTC(2024, 2, 1) - 8 * 3600_000;

function trade(
  outTradeNo: string,
  totalFen: number,
  paidAt: number | undefined,
  extra: Partial<TradeRecord> = {},
): TradeRecord {
  return {
    mchid: '1900000109',
    appid: 'wx5a000000000a0c01',
    outTradeNo,
    apiVersion: 'v2',
    tradeType: 'NATIVE',
    description: '模拟商品',
    totalFen,
    currency: 'CNY',
    notifyUrl: 'http://127.0.0.1:9/notify',
    fingerprint: 'x',
    prepayId: `wx${outTradeNo}`,
    createdAt: (paidAt ?? DAY_START) - 1000,
    expiresAt: DAY_START + 7200_000,
    state: paidAt === undefined ? 'NOTPAY' : 'SUCCESS',
    stateDesc: '',
    refundedFen: 0,
    ...(paidAt === undefined
      ? {}
      : {
          paidAt,
          transactionId: `4200${outTradeNo.padStart(24, '0')}`,
          payerOpenid: 'oUser',
          bankType: 'OTHERS',
        }),
    ...extra,
  };
}

function refund(
  outRefundNo: string,
  of: TradeRecord,
  refundFen: number,
  createdAt: number,
  status: RefundRecord['status'] = 'SUCCESS',
): RefundRecord {
  return {
    mchid: of.mchid,
    outRefundNo,
    refundId: `50${outRefundNo.padStart(27, '0')}`,
    outTradeNo: of.outTradeNo,
    transactionId: of.transactionId!,
    apiVersion: 'v2',
    totalFen: of.totalFen,
    refundFen,
    status,
    createdAt,
    ...(status === 'SUCCESS' ? { successAt: createdAt + 5000 } : {}),
  };
}

const paid = trade('A1', 1000, DAY_START + 3600_000, {
  description: '商品, 带逗号\n和换行',
  attach: 'cart=1',
});
const paidEarlier = trade('A0', 500, DAY_START - 1000);
const paidNextDay = trade('A2', 700, DAY_START + 24 * 3600_000);
const unpaid = trade('A3', 300, undefined);
const refunds = [
  refund('R1', paid, 300, DAY_START + 7200_000),
  refund('R0', paidEarlier, 500, DAY_START + 60_000, 'PROCESSING'),
];
const input = {
  trades: [paid, paidEarlier, paidNextDay, unpaid],
  refunds,
  date: '2024-03-01',
  mchid: '1900000109',
};

describe('buildTradeBill', () => {
  it('ALL uses the official columns and rows of that UTC+8 day only', () => {
    const bill = parseBillCsv(buildTradeBill({ ...input, type: 'ALL' }));
    expect(bill.columns.join(',')).toBe(
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
    );
    expect(bill.rows.map((r) => [r.交易时间, r.交易状态, r.商户订单号, r.商户退款单号])).toEqual([
      ['2024-03-01 00:01:00', 'REFUND', 'A0', 'R0'],
      ['2024-03-01 01:00:00', 'SUCCESS', 'A1', '0'],
      ['2024-03-01 02:00:00', 'REFUND', 'A1', 'R1'],
    ]);
    expect(bill.rows[1]).toMatchObject({
      应结订单金额: '10.00',
      手续费: '0.06000',
      费率: '0.60%',
      订单金额: '10.00',
      特约商户号: '0',
      商户数据包: 'cart=1',
    });
    expect(bill.rows[1]!.商品名称).toBe('商品, 带逗号\\n和换行');
    expect(bill.rows[0]).toMatchObject({
      退款金额: '5.00',
      退款状态: 'PROCESSING',
      退款类型: 'ORIGINAL',
      应结订单金额: '0.00',
      手续费: '-0.03000',
    });
    expect(bill.summary).toEqual({
      总交易单数: '3',
      应结订单总金额: '10.00',
      退款总金额: '8.00',
      充值券退款总金额: '0.00',
      手续费总金额: '0.01000',
      订单总金额: '10.00',
      申请退款总金额: '8.00',
    });
  });

  it('SUCCESS has payments only; REFUND refunds only, with request and success times', () => {
    const success = parseBillCsv(buildTradeBill({ ...input, type: 'SUCCESS' }));
    expect(success.rows.map((r) => r.商户订单号)).toEqual(['A1']);
    expect(success.columns).not.toContain('退款金额');
    expect(success.summary).toEqual({
      总交易单数: '1',
      应结订单总金额: '10.00',
      手续费总金额: '0.06000',
      订单总金额: '10.00',
    });

    const refundBill = parseBillCsv(buildTradeBill({ ...input, type: 'REFUND' }));
    expect(refundBill.rows.map((r) => [r.商户退款单号, r.退款申请时间, r.退款成功时间])).toEqual([
      ['R0', '2024-03-01 00:01:00', ''],
      ['R1', '2024-03-01 02:00:00', '2024-03-01 02:00:05'],
    ]);
  });

  it('every data and summary value carries the back-quote; lines end with CRLF', () => {
    const text = buildTradeBill({ ...input, type: 'SUCCESS' });
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[1]!.split(',`')).toHaveLength(20);
    expect(lines[1]!.startsWith('`2024-03-01 01:00:00,`wx5a')).toBe(true);
    expect(lines[3]).toBe('`1,`10.00,`0.06000,`10.00');
  });

  it('reports an empty day, and another merchant sees nothing', () => {
    expect(tradeBillIsEmpty({ ...input, type: 'ALL', date: '2024-02-28' })).toBe(true);
    expect(tradeBillIsEmpty({ ...input, type: 'ALL', mchid: '1900000999' })).toBe(true);
    expect(tradeBillIsEmpty({ ...input, type: 'REFUND' })).toBe(false);
    expect(() => buildTradeBill({ ...input, type: 'ALL', date: '20240301' })).toThrow(RangeError);
  });
});

describe('buildFundFlowBill', () => {
  it('books income, fees and refunds with a running balance over the whole history', () => {
    const bill = parseBillCsv(buildFundFlowBill(input));
    expect(bill.columns).toEqual([
      '记账时间',
      '微信支付业务单号',
      '资金流水单号',
      '业务名称',
      '业务类型',
      '收支类型',
      '收支金额(元)',
      '账户结余(元)',
      '资金变更提交申请人',
      '备注',
      '业务凭证号',
    ]);
    // before the day: A0 paid 5.00, fee 0.03 → 4.97
    expect(bill.rows.map((r) => [r.业务类型, r.收支类型, r['收支金额(元)'], r['账户结余(元)']])).toEqual([
      ['退款', '支出', '5.00', '-0.03'],
      ['退还交易手续费', '收入', '0.03', '0.00'],
      ['交易', '收入', '10.00', '10.00'],
      ['扣除交易手续费', '支出', '0.06', '9.94'],
      ['退款', '支出', '3.00', '6.94'],
      ['退还交易手续费', '收入', '0.02', '6.96'],
    ]);
    expect(bill.rows[0]!.业务凭证号).toBe(`REF${paidEarlier.transactionId}`);
    expect(bill.summary).toEqual({
      资金流水总笔数: '6',
      收入笔数: '3',
      收入金额: '10.05',
      支出笔数: '3',
      支出金额: '8.06',
    });
    expect(buildFundFlowBill(input)).toBe(buildFundFlowBill(input));
  });

  it('a day without movements is empty', () => {
    expect(fundFlowBillIsEmpty({ ...input, date: '2024-02-27' })).toBe(true);
    expect(fundFlowBillIsEmpty(input)).toBe(false);
  });
});
