import { describe, expect, it } from 'vitest';
import { readBillCsv } from '../../src/core/bill-stream.js';
import { WechatPayFormatError } from '../../src/errors.js';
import { parseBillCsv } from '../../src/v2/bill-csv.js';

const BILL =
  '\uFEFF交易时间,商户订单号,退款金额,商品名称,商户数据包\n' +
  '`2024-01-01 10:00:00,`0001,`0.00,`coffee, large,`\n' +
  '`2024-01-01 11:00:00,`0002,`1.50,`tea,`{"k":1}\n' +
  '总交易单数,应结订单总金额,退款总金额\n' +
  '`2,`3.00,`1.50\n';

describe('parseBillCsv', () => {
  it('strips the back-quotes and keys rows and summary by their headers', () => {
    const bill = parseBillCsv(BILL);
    expect(bill.columns).toEqual(['交易时间', '商户订单号', '退款金额', '商品名称', '商户数据包']);
    expect(bill.rows).toEqual([
      {
        交易时间: '2024-01-01 10:00:00',
        商户订单号: '0001',
        退款金额: '0.00',
        商品名称: 'coffee, large',
        商户数据包: '',
      },
      {
        交易时间: '2024-01-01 11:00:00',
        商户订单号: '0002',
        退款金额: '1.50',
        商品名称: 'tea',
        商户数据包: '{"k":1}',
      },
    ]);
    expect(bill.summary).toEqual({ 总交易单数: '2', 应结订单总金额: '3.00', 退款总金额: '1.50' });
  });

  it('reads a bill without transactions and CRLF line ends', () => {
    const bill = parseBillCsv('a,b\r\n总交易单数,应结订单总金额\r\n`0,`0.00\r\n');
    expect(bill.rows).toEqual([]);
    expect(bill.summary).toEqual({ 总交易单数: '0', 应结订单总金额: '0.00' });
  });

  it('refuses text that is not a bill', () => {
    expect(() => parseBillCsv('<xml><return_code>FAIL</return_code></xml>')).toThrow(WechatPayFormatError);
    expect(() => parseBillCsv('a,b\nplain,row\nx,y\n`1,`2')).toThrow(/line 2/);
  });
});

describe('readBillCsv', () => {
  async function* pieces(text: string, size: number): AsyncGenerator<Buffer> {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }

  it('yields what parseBillCsv finds, however the bytes are cut (mid-character, mid-CRLF)', async () => {
    const whole = parseBillCsv(BILL);
    const crlf = BILL.replaceAll('\n', '\r\n');
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      const rows: Record<string, string>[] = [];
      let summary: Record<string, string> | undefined;
      for await (const line of readBillCsv(pieces(crlf, size))) {
        if (line.kind === 'row') rows.push(line.values);
        else summary = line.values;
      }
      expect(rows).toEqual(whole.rows);
      expect(summary).toEqual(whole.summary);
    }
  });

  it('refuses a bill cut off before its summary and a data line without back-quotes', async () => {
    const drain = async (text: string) => {
      for await (const _ of readBillCsv(pieces(text, 5))) {
        // reading is the test
      }
    };
    await expect(drain(BILL.split('\n').slice(0, 3).join('\n'))).rejects.toBeInstanceOf(WechatPayFormatError);
    await expect(drain('a,b\n总交易单数\nnot quoted\n')).rejects.toBeInstanceOf(WechatPayFormatError);
  });
});
