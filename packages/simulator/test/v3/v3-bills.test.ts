/**
 * Bills: applied for with a signed, verified call, downloaded with a signed GET whose answer is the
 * bare file, checked by our SDK against the SHA-1 from the signed answer.
 */
import { WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { sha1Hex } from '@wechatpay-kit/sdk/crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import { apiError } from './support/api-error.js';
import { useV3Suite } from './support/v3-suite.js';
import { nativeOrder, payAs, uniqueNo } from './support/v3-test-kit.js';

const DAY = 24 * 3600_000;
const beijingDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 bills (%s mode)', (mode) => {
  const suite = useV3Suite(mode);
  let billDate: string;
  let outTradeNo: string;
  let outRefundNo: string;

  beforeAll(async () => {
    const order = nativeOrder(suite.sim, { amount: { total: 2500 } });
    outTradeNo = order.out_trade_no;
    outRefundNo = uniqueNo('R');
    await suite.wxpay.transactions.native(order);
    const paid = payAs(suite.sim, outTradeNo);
    await suite.wxpay.refunds.create({
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      amount: { refund: 500, total: 2500 },
    });
    billDate = beijingDate(paid.paidAt!);
    // Bills of a day are ready from 10:00 (UTC+8) the next day.
    const readyAt = Date.parse(`${billDate}T10:00:00+08:00`) + DAY;
    suite.sim.ctx.clock.advance(readyAt - suite.sim.ctx.clock.now() + 60_000);
  });

  it('downloads the trade bill and checks it against the signed SHA-1', async () => {
    const location = await suite.wxpay.bills.tradeBill({ bill_date: billDate, bill_type: 'ALL' });
    expect(location.hash_type).toBe('SHA1');
    expect(location.download_url).toMatch(new RegExp(`^${suite.sim.url}/v3/billdownload/file\\?token=`));
    const bill = (await suite.wxpay.bills.download(location.download_url, location)).toString('utf8');
    expect(sha1Hex(Buffer.from(bill))).toBe(location.hash_value);
    const lines = bill.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^交易时间,公众账号ID,商户号/);
    expect(lines.filter((l) => l.includes(`\`${outTradeNo}`))).toHaveLength(2);
    expect(bill).toContain(`\`${outRefundNo}`);
    expect(lines.at(-2)).toMatch(/^总交易单数,/);
  });

  it('serves a GZIP bill whose SHA-1 is of the uncompressed file', async () => {
    const location = await suite.wxpay.bills.tradeBill({
      bill_date: billDate,
      bill_type: 'SUCCESS',
      tar_type: 'GZIP',
    });
    const bill = await suite.wxpay.bills.download(location.download_url, location);
    expect(bill.toString('utf8')).toContain(`\`${outTradeNo}`);
    expect(bill.toString('utf8')).not.toContain(outRefundNo);
  });

  it('downloads the fund-flow bill', async () => {
    const location = await suite.wxpay.bills.fundFlowBill({ bill_date: billDate });
    const bill = (await suite.wxpay.bills.download(location.download_url, location)).toString('utf8');
    expect(bill.split('\r\n')[0]).toMatch(/^记账时间,/);
    expect(bill).toContain('`退款');
  });

  it('makes the SDK refuse bytes that do not match the promised digest', async () => {
    const location = await suite.wxpay.bills.tradeBill({ bill_date: billDate });
    const error = await suite.wxpay.bills
      .download(location.download_url, { ...location, hash_value: '0'.repeat(40) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect(error.reason).toBe('hash-mismatch');
  });

  it('lets a download_url expire after 30 s of simulated time', async () => {
    const location = await suite.wxpay.bills.tradeBill({ bill_date: billDate });
    suite.sim.ctx.clock.advance(31_000);
    const error = await apiError(suite.wxpay.bills.download(location.download_url, location));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST', detail: { field: 'token' } });
    expect(
      await apiError(
        suite.wxpay.bills.download(`${suite.sim.url}/v3/billdownload/file?token=forged`, location),
      ),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it('answers bills not generated yet, of empty days and of the future as WeChat does', async () => {
    const today = beijingDate(suite.sim.ctx.clock.now());
    expect(await apiError(suite.wxpay.bills.tradeBill({ bill_date: today }))).toMatchObject({
      status: 400,
      code: 'STATEMENT_CREATING',
    });
    const dayBefore = beijingDate(Date.parse(`${billDate}T12:00:00+08:00`) - DAY);
    expect(await apiError(suite.wxpay.bills.tradeBill({ bill_date: dayBefore }))).toMatchObject({
      status: 400,
      code: 'NO_STATEMENT_EXIST',
    });
    expect(await apiError(suite.wxpay.bills.fundFlowBill({ bill_date: dayBefore }))).toMatchObject({
      status: 400,
      code: 'NO_STATEMENT_EXIST',
    });
    const future = beijingDate(suite.sim.ctx.clock.now() + 3 * DAY);
    expect(await apiError(suite.wxpay.bills.tradeBill({ bill_date: future }))).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: { field: 'bill_date' },
    });
    const badType = await apiError(
      suite.wxpay.request('GET', '/v3/bill/tradebill', {
        query: { bill_date: billDate, bill_type: 'EVERYTHING' },
      }),
    );
    expect(badType).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'bill_type', location: 'query' },
    });
  });
});
