/**
 * Bills: applied for with a signed, verified call, downloaded with a signed GET whose answer is the
 * bare file, checked by our SDK against the SHA-1 from the signed answer.
 */
import { sha1Hex, type V3Client, WechatPayApiError, WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import type { RunningSimulator } from '../../src/simulator-server.js';
import { clientFor, nativeOrder, payAs, startV3Simulator, uniqueNo } from './support/v3-test-kit.js';

const DAY = 24 * 3600_000;
const beijingDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

async function apiError(promise: Promise<unknown>): Promise<WechatPayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayApiError);
  return error as WechatPayApiError;
}

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 bills (%s mode)', (mode) => {
  let sim: RunningSimulator;
  let wxpay: V3Client;
  let billDate: string;
  let outTradeNo: string;
  let outRefundNo: string;

  beforeAll(async () => {
    sim = await startV3Simulator(mode);
    wxpay = clientFor(sim);
    const order = nativeOrder(sim, { amount: { total: 2500 } });
    outTradeNo = order.out_trade_no;
    outRefundNo = uniqueNo('R');
    await wxpay.transactions.native(order);
    const paid = payAs(sim, outTradeNo);
    await wxpay.refunds.create({
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      amount: { refund: 500, total: 2500 },
    });
    billDate = beijingDate(paid.paidAt!);
    // Bills of a day are ready from 10:00 (UTC+8) the next day.
    const readyAt = Date.parse(`${billDate}T10:00:00+08:00`) + DAY;
    sim.ctx.clock.advance(readyAt - sim.ctx.clock.now() + 60_000);
  });
  afterAll(async () => {
    await wxpay.close();
    await sim.stop();
  });

  it('downloads the trade bill and checks it against the signed SHA-1', async () => {
    const location = await wxpay.bills.tradeBill({ bill_date: billDate, bill_type: 'ALL' });
    expect(location.hash_type).toBe('SHA1');
    expect(location.download_url).toMatch(new RegExp(`^${sim.url}/v3/billdownload/file\\?token=`));
    const bill = (await wxpay.bills.download(location.download_url, location)).toString('utf8');
    expect(sha1Hex(Buffer.from(bill))).toBe(location.hash_value);
    const lines = bill.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^交易时间,公众账号ID,商户号/);
    expect(lines.filter((l) => l.includes(`\`${outTradeNo}`))).toHaveLength(2);
    expect(bill).toContain(`\`${outRefundNo}`);
    expect(lines.at(-2)).toMatch(/^总交易单数,/);
  });

  it('serves a GZIP bill whose SHA-1 is of the uncompressed file', async () => {
    const location = await wxpay.bills.tradeBill({
      bill_date: billDate,
      bill_type: 'SUCCESS',
      tar_type: 'GZIP',
    });
    const bill = await wxpay.bills.download(location.download_url, location);
    expect(bill.toString('utf8')).toContain(`\`${outTradeNo}`);
    expect(bill.toString('utf8')).not.toContain(outRefundNo);
  });

  it('downloads the fund-flow bill', async () => {
    const location = await wxpay.bills.fundFlowBill({ bill_date: billDate });
    const bill = (await wxpay.bills.download(location.download_url, location)).toString('utf8');
    expect(bill.split('\r\n')[0]).toMatch(/^记账时间,/);
    expect(bill).toContain('`退款');
  });

  it('makes the SDK refuse bytes that do not match the promised digest', async () => {
    const location = await wxpay.bills.tradeBill({ bill_date: billDate });
    const error = await wxpay.bills
      .download(location.download_url, { ...location, hash_value: '0'.repeat(40) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect(error.reason).toBe('hash-mismatch');
  });

  it('lets a download_url expire after 30 s of simulated time', async () => {
    const location = await wxpay.bills.tradeBill({ bill_date: billDate });
    sim.ctx.clock.advance(31_000);
    const error = await apiError(wxpay.bills.download(location.download_url, location));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST', detail: { field: 'token' } });
    expect(
      await apiError(wxpay.bills.download(`${sim.url}/v3/billdownload/file?token=forged`, location)),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it('answers bills not generated yet, of empty days and of the future as WeChat does', async () => {
    const today = beijingDate(sim.ctx.clock.now());
    expect(await apiError(wxpay.bills.tradeBill({ bill_date: today }))).toMatchObject({
      status: 400,
      code: 'STATEMENT_CREATING',
    });
    const dayBefore = beijingDate(Date.parse(`${billDate}T12:00:00+08:00`) - DAY);
    expect(await apiError(wxpay.bills.tradeBill({ bill_date: dayBefore }))).toMatchObject({
      status: 400,
      code: 'NO_STATEMENT_EXIST',
    });
    expect(await apiError(wxpay.bills.fundFlowBill({ bill_date: dayBefore }))).toMatchObject({
      status: 400,
      code: 'NO_STATEMENT_EXIST',
    });
    const future = beijingDate(sim.ctx.clock.now() + 3 * DAY);
    expect(await apiError(wxpay.bills.tradeBill({ bill_date: future }))).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: { field: 'bill_date' },
    });
    const badType = await apiError(
      wxpay.request('GET', '/v3/bill/tradebill', { query: { bill_date: billDate, bill_type: 'EVERYTHING' } }),
    );
    expect(badType).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'bill_type', location: 'query' },
    });
  });
});
