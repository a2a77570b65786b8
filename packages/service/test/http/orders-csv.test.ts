import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/index.js';
import { ordersCsv } from '../../src/http/orders-csv.js';

const order: Order = {
  orderNo: '20261203100000A1b2C3d4E5',
  productId: 'demo-coffee',
  quantity: 1,
  description: '=HYPERLINK("http://evil.example","拿铁, 大杯")',
  amountFen: 990,
  refundedFen: 0,
  state: 'PAID',
  payType: 'NATIVE',
  apiVersion: 'v3',
  createdAt: new Date('2026-12-03T02:00:00.000Z'),
  expiresAt: new Date('2026-12-03T02:15:00.000Z'),
  paidAt: new Date('2026-12-03T02:01:00.000Z'),
  closedAt: null,
  fulfilledAt: null,
  transactionId: '4200002026120312345678901234',
  payerOpenid: '-oUpF8uMuAJO',
  openid: null,
  clientIp: '127.0.0.1',
  codeUrl: null,
  prepayId: null,
  h5Url: null,
  wechatErrorCode: null,
  wechatErrorMessage: null,
};

async function lines(orders: Order[]): Promise<string[]> {
  let text = '';
  for await (const chunk of ordersCsv(
    (async function* () {
      yield* orders;
    })(),
  ))
    text += chunk;
  return text.split('\r\n');
}

describe('ordersCsv', () => {
  it('starts with the BOM and a bilingual header, then one CRLF line per order', async () => {
    const [header, row, end] = await lines([order]);
    expect(header!.startsWith('\uFEFF订单号 order_no,状态 state,')).toBe(true);
    expect(end).toBe('');
    expect(row!.startsWith('20261203100000A1b2C3d4E5,PAID,990,¥9.90,0,demo-coffee,')).toBe(true);
  });

  it('quotes commas and quotes, and defuses cells a spreadsheet would run as formulas', async () => {
    const [, row] = await lines([order]);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""拿铁, 大杯"")"`);
    expect(row).toContain(",'-oUpF8uMuAJO,");
  });

  it('writes times in China time and leaves absent ones empty', async () => {
    const [, row] = await lines([order]);
    expect(row!.endsWith(',2026-12-03 10:00:00,2026-12-03 10:01:00,')).toBe(true);
  });
});
