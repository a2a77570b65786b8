import { inspect } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BillCsvLine, readBillCsv } from '../../src/core/bill-stream.js';
import type { HttpClient } from '../../src/core/http-client.js';
import {
  WechatPayApiError,
  WechatPayConfigError,
  WechatPaySignatureError,
  WechatPayValidationError,
} from '../../src/errors.js';
import { parseBillCsv } from '../../src/v2/bill-csv.js';
import { V2Client, type V2ClientOptions } from '../../src/v2/v2-client.js';
import type { V2UnifiedOrderParams } from '../../src/v2/v2-types.js';
import { fixtures } from '../support/fixtures.js';
import { FakeV2Server, fakeSign, fakeXml } from './support/fake-v2-server.js';

const SANDBOX_KEY = 'sandboxsignkey0123456789abcdefgh';
const BILL = [
  '交易时间,公众账号ID,商户号,微信订单号,商户订单号,总金额,商品名称',
  '`2024-01-01 12:00:00,`wxd930ea5d5a258f4f,`1900000109,`4200000000000000000000000001,`order-1,`0.01,`T-shirt, blue',
  '总交易单数,应结订单总金额',
  '`1,`0.01',
  '',
].join('\r\n');

let fake: FakeV2Server;
let base: string;
const clients: V2Client[] = [];
let seq = 0;

function client(options: Partial<V2ClientOptions> = {}): V2Client {
  const c = new V2Client({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    baseUrl: base,
    retry: { retries: 2, baseDelayMs: 1 },
    ...options,
  });
  clients.push(c);
  return c;
}

function order(overrides: Partial<V2UnifiedOrderParams> = {}): V2UnifiedOrderParams {
  return {
    body: 'wechatpay-kit test',
    out_trade_no: `T${Date.now()}_${++seq}`,
    total_fee: 1,
    spbill_create_ip: '127.0.0.1',
    notify_url: 'https://merchant.example/api/notify/v2',
    trade_type: 'NATIVE',
    product_id: 'sku-1',
    ...overrides,
  } as V2UnifiedOrderParams;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error) => err,
  );
}

beforeAll(async () => {
  fake = new FakeV2Server({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    sandboxKey: SANDBOX_KEY,
  });
  fake.bills.set('20240101', BILL);
  base = await fake.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await fake.stop();
});

describe('V2Client operations', () => {
  it('places a NATIVE order: signed request, verified answer, same prepay for a resubmission', async () => {
    const params = order();
    const first = await client().unifiedOrder(params);
    expect(first.result_code).toBe('SUCCESS');
    expect(first.prepay_id).toMatch(/^wx/);
    expect(first.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const sent = fake.calls.at(-1)!.fields;
    expect(sent).toMatchObject({
      appid: fixtures.appid,
      mch_id: fixtures.mchid,
      total_fee: '1',
      product_id: 'sku-1',
    });
    expect(sent.nonce_str).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(sent.sign_type).toBeUndefined();
    expect((await client().unifiedOrder(params)).prepay_id).toBe(first.prepay_id);
  });

  it('signs and verifies with HMAC-SHA256 when configured', async () => {
    const result = await client({ signType: 'HMAC-SHA256' }).unifiedOrder(
      order({ trade_type: 'JSAPI', openid: 'o-1' }),
    );
    expect(result.trade_type).toBe('JSAPI');
    const sent = fake.calls.at(-1)!.fields;
    expect(sent.sign_type).toBe('HMAC-SHA256');
    expect(sent.sign).toHaveLength(64);
  });

  it.each([
    ['product_id', { trade_type: 'NATIVE', product_id: undefined }],
    ['openid', { trade_type: 'JSAPI', product_id: undefined }],
    ['total_fee', { total_fee: 0 }],
    ['total_fee', { total_fee: 0.01 }],
    ['total_fee', { total_fee: '1' }],
    ['out_trade_no', { out_trade_no: 'has space' }],
    ['out_trade_no', { out_trade_no: 'x'.repeat(33) }],
    ['trade_type', { trade_type: 'MICROPAY' }],
    ['notify_url', { notify_url: 'https://merchant.example/notify?x=1' }],
  ])('refuses an order with a bad %s before sending anything', async (field, overrides) => {
    const before = fake.calls.length;
    const err = await rejection(client().unifiedOrder(order(overrides as never)));
    expect(err).toBeInstanceOf(WechatPayValidationError);
    expect((err as WechatPayValidationError).field).toBe(field);
    expect(fake.calls.length).toBe(before);
  });

  it('queries an order before and after payment, amounts as numbers', async () => {
    const c = client();
    const params = order();
    await c.unifiedOrder(params);
    expect((await c.orderQuery({ out_trade_no: params.out_trade_no })).trade_state).toBe('NOTPAY');
    fake.pay(params.out_trade_no);
    const paid = await c.orderQuery({ out_trade_no: params.out_trade_no });
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', total_fee: 1, cash_fee: 1, trade_type: 'NATIVE' });
    expect((await c.orderQuery({ transaction_id: paid.transaction_id! })).out_trade_no).toBe(
      params.out_trade_no,
    );
  });

  it('needs exactly one order identifier', async () => {
    await expect(client().orderQuery({} as never)).rejects.toBeInstanceOf(WechatPayValidationError);
    await expect(
      client().orderQuery({ out_trade_no: 'a', transaction_id: 'b' } as never),
    ).rejects.toBeInstanceOf(WechatPayValidationError);
  });

  it('maps result_code FAIL onto an API error with err_code and err_code_des', async () => {
    const err = (await rejection(
      client().orderQuery({ out_trade_no: 'no-such-order' }),
    )) as WechatPayApiError;
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ code: 'ORDERNOTEXIST', resultCode: 'FAIL', returnCode: 'SUCCESS' });
    expect(err.message).toContain('订单不存在');
  });

  it('closes an unpaid order, then reports ORDERCLOSED', async () => {
    const c = client();
    const params = order();
    await c.unifiedOrder(params);
    expect((await c.closeOrder(params.out_trade_no)).result_code).toBe('SUCCESS');
    await expect(c.closeOrder(params.out_trade_no)).rejects.toMatchObject({ code: 'ORDERCLOSED' });
  });

  it('shortens a URL', async () => {
    const result = await client().shortUrl('weixin://wxpay/bizpayurl?sign=X&appid=wx&mch_id=1&product_id=p');
    expect(result.short_url).toMatch(/^weixin:\/\/wxpay\/s\/\w{7}$/);
  });

  it('refuses refunds without a client certificate configured, before sending', async () => {
    const before = fake.calls.length;
    const err = await rejection(
      client().refund({ out_trade_no: 'x1', out_refund_no: 'r1', total_fee: 1, refund_fee: 1 }),
    );
    expect(err).toBeInstanceOf(WechatPayConfigError);
    expect(err.message).toMatch(/mutual TLS/);
    expect(fake.calls.length).toBe(before);
  });
});

describe('V2Client downloadBill', () => {
  it('returns the CSV text, which parseBillCsv splits into rows and summary', async () => {
    const text = await client().downloadBill({ bill_date: '20240101', bill_type: 'ALL' });
    expect(text).toBe(BILL);
    const bill = parseBillCsv(text);
    expect(bill.rows).toHaveLength(1);
    expect(bill.rows[0]).toMatchObject({ 商户订单号: 'order-1', 总金额: '0.01', 商品名称: 'T-shirt, blue' });
    expect(bill.summary).toEqual({ 总交易单数: '1', 应结订单总金额: '0.01' });
  });

  it('returns the gzip bytes for tar_type GZIP', async () => {
    const gz = await client().downloadBill({ bill_date: '20240101', tar_type: 'GZIP' });
    expect(Buffer.isBuffer(gz)).toBe(true);
    expect(gunzipSync(gz).toString('utf8')).toBe(BILL);
  });

  it('turns "No Bill Exist" into an API error', async () => {
    const err = (await rejection(client().downloadBill({ bill_date: '20240102' }))) as WechatPayApiError;
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ code: 'NO_BILL_EXIST', returnCode: 'FAIL' });
  });

  it('streams the bill (plain and GZIP) for readBillCsv, and throws "No Bill Exist" before any chunk', async () => {
    const lines = async (params: Parameters<V2Client['downloadBillStream']>[0]) => {
      const seen: BillCsvLine[] = [];
      for await (const line of readBillCsv(client().downloadBillStream(params))) seen.push(line);
      return seen;
    };
    for (const tar_type of [undefined, 'GZIP' as const]) {
      const seen = await lines({ bill_date: '20240101', tar_type });
      expect(seen.map((line) => line.kind)).toEqual(['row', 'summary']);
      expect(seen[0]!.values).toMatchObject({ 商户订单号: 'order-1', 商品名称: 'T-shirt, blue' });
      expect(seen[1]!.values).toEqual({ 总交易单数: '1', 应结订单总金额: '0.01' });
    }
    const err = (await rejection(lines({ bill_date: '20240102' }))) as WechatPayApiError;
    expect(err).toMatchObject({ code: 'NO_BILL_EXIST', returnCode: 'FAIL' });
  });

  it('validates bill_date locally', async () => {
    await expect(client().downloadBill({ bill_date: '2024-01-01' })).rejects.toBeInstanceOf(
      WechatPayValidationError,
    );
    await expect(client().downloadBill({ bill_date: '20240230' })).rejects.toBeInstanceOf(
      WechatPayValidationError,
    );
  });
});

describe('V2Client retries and answer verification', () => {
  it('retries an idempotent query after SYSTEMERROR and succeeds', async () => {
    const c = client();
    const params = order();
    await c.unifiedOrder(params);
    const before = fake.callsTo('/pay/orderquery');
    fake.inject({ kind: 'result-fail', errCode: 'SYSTEMERROR', errCodeDes: '系统错误' });
    expect((await c.orderQuery({ out_trade_no: params.out_trade_no })).trade_state).toBe('NOTPAY');
    expect(fake.callsTo('/pay/orderquery') - before).toBe(2);
  });

  it('retries unifiedorder after SYSTEMERROR and an HTTP 500, with the same body each time', async () => {
    const before = fake.calls.length;
    fake.inject({ kind: 'result-fail', errCode: 'SYSTEMERROR' });
    fake.inject({ kind: 'http', status: 500 });
    const result = await client().unifiedOrder(order());
    expect(result.prepay_id).toMatch(/^wx/);
    const attempts = fake.calls.slice(before);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.fields.nonce_str)).size).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    const before = fake.calls.length;
    fake.inject({ kind: 'result-fail', errCode: 'SYSTEMERROR' }, 3);
    await expect(client().orderQuery({ out_trade_no: 'any' })).rejects.toMatchObject({ code: 'SYSTEMERROR' });
    expect(fake.calls.length - before).toBe(3);
  });

  it('never retries closeOrder', async () => {
    const c = client();
    const params = order();
    await c.unifiedOrder(params);
    const before = fake.callsTo('/pay/closeorder');
    fake.inject({ kind: 'result-fail', errCode: 'SYSTEMERROR' });
    await expect(c.closeOrder(params.out_trade_no)).rejects.toMatchObject({ code: 'SYSTEMERROR' });
    expect(fake.callsTo('/pay/closeorder') - before).toBe(1);
  });

  it('reports return_code FAIL (wrong API key) as SIGNERROR without leaking either key', async () => {
    const wrongKey = 'ffffffffffffffffffffffffffffffff';
    const err = (await rejection(
      client({ apiKey: wrongKey }).orderQuery({ out_trade_no: 'x' }),
    )) as WechatPayApiError;
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ code: 'SIGNERROR', returnCode: 'FAIL', resultCode: undefined });
    expect(`${err.message}${JSON.stringify(err.raw)}`).not.toContain(wrongKey);
  });

  it('refuses an unsigned SUCCESS answer and does not retry it', async () => {
    const before = fake.callsTo('/pay/orderquery');
    fake.inject({ kind: 'unsigned' });
    const err = await rejection(client().orderQuery({ out_trade_no: 'x' }));
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect((err as WechatPaySignatureError).reason).toBe('missing-sign');
    expect(fake.callsTo('/pay/orderquery') - before).toBe(1);
  });

  it('refuses an answer whose sign is off by one character', async () => {
    fake.inject({ kind: 'bad-sign' });
    const err = (await rejection(client().unifiedOrder(order()))) as WechatPaySignatureError;
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err.reason).toBe('sign-mismatch');
    expect(err.message).not.toContain(fixtures.apiKey);
  });

  it('refuses a correctly signed answer addressed to another merchant', async () => {
    const other: Record<string, string> = {
      return_code: 'SUCCESS',
      appid: fixtures.appid,
      mch_id: '1900000999',
      nonce_str: 'n',
      result_code: 'SUCCESS',
      trade_state: 'SUCCESS',
      out_trade_no: 'x',
    };
    other.sign = fakeSign(other, fixtures.apiKey);
    const http: HttpClient = {
      request: async () => ({ status: 200, headers: {}, body: Buffer.from(fakeXml(other)) }),
    };
    const err = (await rejection(
      client({ http }).orderQuery({ out_trade_no: 'x' }),
    )) as WechatPaySignatureError;
    expect(err.reason).toBe('field-mismatch');
  });
});

describe('V2Client sandbox', () => {
  it('fetches the sandbox key once (single-flight) and signs /sandboxnew calls with it', async () => {
    const c = client({ sandbox: true });
    const keysBefore = fake.callsTo('/sandboxnew/pay/getsignkey');
    const params = order();
    const [created] = await Promise.all([
      c.unifiedOrder(params),
      c.orderQuery({ out_trade_no: 'missing-1' }).catch((e: unknown) => e),
      c.orderQuery({ out_trade_no: 'missing-2' }).catch((e: unknown) => e),
    ]);
    expect(created.prepay_id).toMatch(/^wx/);
    await c.orderQuery({ out_trade_no: params.out_trade_no });
    expect(fake.callsTo('/sandboxnew/pay/getsignkey') - keysBefore).toBe(1);
    const getsignkey = fake.calls.find((call) => call.path === '/sandboxnew/pay/getsignkey')!.fields;
    expect(Object.keys(getsignkey).sort()).toEqual(['mch_id', 'nonce_str', 'sign']);
    expect(fake.calls.at(-1)!.path).toBe('/sandboxnew/pay/orderquery');
  });

  it('does not cache a failed getsignkey', async () => {
    const c = client({ sandbox: true, apiKey: 'ffffffffffffffffffffffffffffffff' });
    const before = fake.callsTo('/sandboxnew/pay/getsignkey');
    await expect(c.orderQuery({ out_trade_no: 'x' })).rejects.toMatchObject({ code: 'SIGNERROR' });
    await expect(c.orderQuery({ out_trade_no: 'x' })).rejects.toMatchObject({ code: 'SIGNERROR' });
    expect(fake.callsTo('/sandboxnew/pay/getsignkey') - before).toBe(2);
  });
});

describe('V2Client configuration', () => {
  it('keeps the API key out of inspect and JSON output', () => {
    const c = client();
    expect(inspect(c, { depth: 5, showHidden: true })).not.toContain(fixtures.apiKey);
    expect(JSON.stringify(c)).not.toContain(fixtures.apiKey);
  });

  it.each([
    [{ apiKey: '' }, /apiKey/],
    [{ mchid: undefined }, /mchid/],
    [{ signType: 'SHA1' }, /signType/],
    [{ tls: { cert: 'x' } }, /cert \+ key/],
  ])('refuses %o', (overrides, message) => {
    expect(() => client(overrides as never)).toThrow(WechatPayConfigError);
    expect(() => client(overrides as never)).toThrow(message);
  });
});
