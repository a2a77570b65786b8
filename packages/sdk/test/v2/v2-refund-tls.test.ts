import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndiciHttpClient } from '../../src/core/http-client.js';
import { WechatPayApiError, WechatPayConfigError, WechatPayTransportError } from '../../src/errors.js';
import { V2Client, type V2TlsOptions } from '../../src/v2/v2-client.js';
import { fixtures } from '../support/fixtures.js';
import { FakeV2Server } from './support/fake-v2-server.js';

const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ca = read('ca-cert.pem');

let fake: FakeV2Server;
let base: string;
const clients: V2Client[] = [];
const transports: UndiciHttpClient[] = [];

function client(tls: V2TlsOptions | undefined): V2Client {
  // Calls outside /secapi go over server-authenticated TLS only, as with WeChat.
  const http = new UndiciHttpClient({ tls: { ca } });
  transports.push(http);
  const c = new V2Client({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    baseUrl: base,
    http,
    tls,
    retry: { retries: 2, baseDelayMs: 1 },
  });
  clients.push(c);
  return c;
}

const merchantTls: V2TlsOptions = { cert: fixtures.merchantCert, key: fixtures.merchantKey, ca };

async function paidOrder(c: V2Client, outTradeNo: string, totalFee: number): Promise<string> {
  await c.unifiedOrder({
    body: 'refund test',
    out_trade_no: outTradeNo,
    total_fee: totalFee,
    spbill_create_ip: '127.0.0.1',
    notify_url: 'https://merchant.example/api/notify/v2',
    trade_type: 'NATIVE',
    product_id: 'sku-1',
  });
  fake.pay(outTradeNo);
  return (await c.orderQuery({ out_trade_no: outTradeNo })).transaction_id!;
}

beforeAll(async () => {
  fake = new FakeV2Server({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    tls: { key: read('server-key.pem'), cert: read('server-cert.pem'), ca: [fixtures.merchantCert] },
  });
  base = await fake.start();
});

afterAll(async () => {
  await Promise.all([...clients.map((c) => c.close()), ...transports.map((t) => t.close())]);
  await fake.stop();
});

describe('V2Client refunds over mutual TLS', () => {
  it('refunds with the merchant certificate; a resent out_refund_no refunds only once', async () => {
    const c = client(merchantTls);
    const transactionId = await paidOrder(c, 'tls-order-1', 100);
    const params = {
      out_trade_no: 'tls-order-1',
      out_refund_no: 'tls-refund-1',
      total_fee: 100,
      refund_fee: 30,
    };
    const refund = await c.refund(params);
    expect(refund).toMatchObject({
      out_refund_no: 'tls-refund-1',
      transaction_id: transactionId,
      refund_fee: 30,
      total_fee: 100,
      cash_fee: 100,
    });
    expect(fake.calls.at(-1)!.path).toBe('/secapi/pay/refund');
    expect((await c.refund(params)).refund_id).toBe(refund.refund_id);
    expect(fake.orders.get('tls-order-1')!.refunds).toHaveLength(1);
  });

  it('gathers refundquery _$n fields into typed refunds', async () => {
    const c = client(merchantTls);
    const transactionId = await paidOrder(c, 'tls-order-2', 100);
    await c.refund({
      transaction_id: transactionId,
      out_refund_no: 'tls-refund-2a',
      total_fee: 100,
      refund_fee: 60,
    });
    await c.refund({
      out_trade_no: 'tls-order-2',
      out_refund_no: 'tls-refund-2b',
      total_fee: 100,
      refund_fee: 40,
    });
    const result = await c.refundQuery({ out_trade_no: 'tls-order-2' });
    expect(result).toMatchObject({
      refund_count: 2,
      total_fee: 100,
      cash_fee: 100,
      transaction_id: transactionId,
    });
    expect(result.refunds.map((r) => [r.out_refund_no, r.refund_fee, r.refund_status])).toEqual([
      ['tls-refund-2a', 60, 'SUCCESS'],
      ['tls-refund-2b', 40, 'SUCCESS'],
    ]);
    expect(result.refunds[0]!.coupon_refund_fee).toBe(0);
    const one = await c.refundQuery({ out_refund_no: 'tls-refund-2b' });
    expect(one.out_trade_no).toBe('tls-order-2');
    await expect(
      c.refund({
        out_trade_no: 'tls-order-2',
        out_refund_no: 'tls-refund-2c',
        total_fee: 100,
        refund_fee: 1,
      }),
    ).rejects.toMatchObject({ code: 'NOTENOUGH', resultCode: 'FAIL' });
  });

  it('retries a refund after SYSTEMERROR without refunding twice', async () => {
    const c = client(merchantTls);
    await paidOrder(c, 'tls-order-3', 50);
    fake.inject({ kind: 'result-fail', errCode: 'SYSTEMERROR' });
    const refund = await c.refund({
      out_trade_no: 'tls-order-3',
      out_refund_no: 'tls-refund-3',
      total_fee: 50,
      refund_fee: 50,
    });
    expect(refund.refund_fee).toBe(50);
    expect(fake.orders.get('tls-order-3')!.refunds).toHaveLength(1);
  });

  it('is refused at the TLS layer with a certificate the server does not trust', async () => {
    const c = client({ cert: fixtures.platformCert, key: fixtures.platformKey, ca });
    await paidOrder(c, 'tls-order-4', 10);
    const err = await c
      .refund({ out_trade_no: 'tls-order-4', out_refund_no: 'tls-refund-4', total_fee: 10, refund_fee: 10 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayTransportError);
    expect(fake.orders.get('tls-order-4')!.refunds).toHaveLength(0);
  });

  it('needs the tls option for refunds and says so before connecting', async () => {
    const c = client(undefined);
    const before = fake.calls.length;
    const err = await c
      .refund({ out_trade_no: 'tls-order-1', out_refund_no: 'tls-refund-5', total_fee: 100, refund_fee: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayConfigError);
    expect(err).not.toBeInstanceOf(WechatPayApiError);
    expect(fake.calls.length).toBe(before);
  });
});
