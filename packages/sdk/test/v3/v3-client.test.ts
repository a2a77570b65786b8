import { constants, privateDecrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WechatPayApiError,
  WechatPayConfigError,
  WechatPaySignatureError,
  WechatPayValidationError,
} from '../../src/errors.js';
import { toRfc3339Beijing } from '../../src/v3/rfc3339-time.js';
import type { V3Client } from '../../src/v3/v3-client.js';
import { StaticKeyStore } from '../../src/v3/verification-keys.js';
import { fixtures } from '../support/fixtures.js';
import type { FakeWechatV3 } from './support/fake-wechat-v3.js';
import { clientFor, nativeOrder, startFake } from './support/v3-test-kit.js';

let fake: FakeWechatV3;
let client: V3Client;
/** Same merchant, retries off: error mapping is observed on the first answer. */
let strict: V3Client;
let seq = 0;
const tradeNo = () => `T${Date.now()}${++seq}`;

beforeAll(async () => {
  fake = await startFake();
  client = clientFor(fake);
  strict = clientFor(fake, { retry: false });
});

afterAll(async () => {
  await client.close();
  await strict.close();
  await fake.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const requestsTo = (prefix: string) => fake.requests.filter((r) => r.url.startsWith(prefix));

describe('V3Client operations', () => {
  it('creates a Native order: signed request, verified answer, certificates fetched once', async () => {
    const no = tradeNo();
    const before = fake.certificateDownloads;
    await expect(client.transactions.native(nativeOrder(no))).resolves.toEqual({
      code_url: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/),
    });
    expect(fake.certificateDownloads).toBe(before + 1);
    const sent = fake.requests.find((r) => r.body.includes(no))!;
    expect(JSON.parse(sent.body)).toMatchObject({
      mchid: fixtures.mchid,
      out_trade_no: no,
      amount: { total: 1 },
    });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('application/json');
    expect(sent.headers['user-agent']).toMatch(/^wechatpay-kit\/0\.1 \(node /);
    await client.transactions.native(nativeOrder(tradeNo()));
    expect(fake.certificateDownloads).toBe(before + 1);
  });

  it('creates JSAPI (and mini-program), App and H5 orders', async () => {
    const jsapi = await client.transactions.jsapi({
      ...nativeOrder(tradeNo()),
      payer: { openid: 'oUpF8uMuAJO_M2px' },
    });
    expect(jsapi.prepay_id).toMatch(/^wx/);
    expect((await client.transactions.app(nativeOrder(tradeNo()))).prepay_id).toMatch(/^wx/);
    const h5 = await client.transactions.h5({
      ...nativeOrder(tradeNo()),
      scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
    });
    expect(h5.h5_url).toMatch(/^https:\/\/wx\.tenpay\.com\//);
  });

  it('queries by out_trade_no (unpaid) and by transaction_id (paid), adding ?mchid=', async () => {
    const no = tradeNo();
    await client.transactions.native({ ...nativeOrder(no), attach: 'cart=42' });
    const unpaid = await client.transactions.queryByOutTradeNo(no);
    expect(unpaid).toMatchObject({
      out_trade_no: no,
      trade_state: 'NOTPAY',
      trade_type: 'NATIVE',
      attach: 'cart=42',
    });
    expect(unpaid.transaction_id).toBeUndefined();
    expect(requestsTo(`/v3/pay/transactions/out-trade-no/${no}`).at(-1)!.url).toBe(
      `/v3/pay/transactions/out-trade-no/${no}?mchid=${fixtures.mchid}`,
    );
    const transactionId = fake.pay(no);
    const paid = await client.transactions.queryById(transactionId);
    expect(paid).toMatchObject({
      transaction_id: transactionId,
      trade_state: 'SUCCESS',
      payer: { openid: expect.any(String) },
      amount: { total: 1, payer_total: 1, currency: 'CNY' },
    });
    expect(paid.success_time).toMatch(/\+08:00$/);
  });

  it('closes an order (204, mchid in the body)', async () => {
    const no = tradeNo();
    await client.transactions.native(nativeOrder(no));
    await expect(client.transactions.close(no)).resolves.toBeUndefined();
    expect(JSON.parse(requestsTo(`/v3/pay/transactions/out-trade-no/${no}/close`)[0]!.body)).toEqual({
      mchid: fixtures.mchid,
    });
    expect((await client.transactions.queryByOutTradeNo(no)).trade_state).toBe('CLOSED');
  });

  it('creates and queries a refund; currency defaults to CNY', async () => {
    const no = tradeNo();
    await client.transactions.native({ ...nativeOrder(no), amount: { total: 500 } });
    fake.pay(no);
    const refund = await client.refunds.create({
      out_trade_no: no,
      out_refund_no: `R${no}`,
      reason: '商品已售完',
      amount: { refund: 200, total: 500 },
    });
    expect(refund).toMatchObject({ out_refund_no: `R${no}`, status: 'PROCESSING', amount: { refund: 200 } });
    expect(JSON.parse(requestsTo('/v3/refund/domestic/refunds').at(-1)!.body).amount.currency).toBe('CNY');
    await expect(client.refunds.query(`R${no}`)).resolves.toEqual(refund);
    const missing = await rejection(client.refunds.query('R-none'));
    expect(missing).toBeInstanceOf(WechatPayApiError);
    expect(missing).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
  });

  it('applies for bills and downloads them against their SHA1 (plain and GZIP)', async () => {
    const location = await client.bills.tradeBill({ bill_date: '2026-11-21', bill_type: 'ALL' });
    expect(location.hash_type).toBe('SHA1');
    expect(requestsTo('/v3/bill/tradebill').at(-1)!.url).toBe(
      '/v3/bill/tradebill?bill_date=2026-11-21&bill_type=ALL',
    );
    // download_url names api.mch.weixin.qq.com; the client sends it to its own base URL.
    expect((await client.bills.download(location.download_url, location)).toString()).toBe(fake.billContent);
    const gz = await client.bills.fundFlowBill({ bill_date: '2026-11-21', tar_type: 'GZIP' });
    expect((await client.bills.download(gz.download_url, gz)).toString()).toBe(fake.billContent);
  });

  it('refuses a bill whose bytes do not match the signed hash', async () => {
    const location = await client.bills.tradeBill({ bill_date: '2026-11-21' });
    fake.corruptBill = true;
    try {
      const err = await rejection(client.bills.download(location.download_url, location));
      expect(err).toBeInstanceOf(WechatPaySignatureError);
      expect(err).toMatchObject({ reason: 'hash-mismatch' });
    } finally {
      fake.corruptBill = false;
    }
    const wrongHash = { hash_type: 'SHA1' as const, hash_value: '0'.repeat(40) };
    const fresh = await client.bills.tradeBill({ bill_date: '2026-11-21' });
    await expect(client.bills.download(fresh.download_url, wrongHash)).rejects.toMatchObject({
      reason: 'hash-mismatch',
    });
  });

  it('streams a bill (plain and GZIP) and fails at its end when the bytes do not match the hash', async () => {
    const collect = async (chunks: AsyncIterable<Buffer>) => {
      const parts: Buffer[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      return Buffer.concat(parts).toString();
    };
    const plain = await client.bills.tradeBill({ bill_date: '2026-11-21' });
    expect(await collect(client.bills.downloadStream(plain.download_url, plain))).toBe(fake.billContent);
    const gz = await client.bills.tradeBill({ bill_date: '2026-11-21', tar_type: 'GZIP' });
    expect(await collect(client.bills.downloadStream(gz.download_url, gz))).toBe(fake.billContent);

    const tampered = await client.bills.tradeBill({ bill_date: '2026-11-21' });
    fake.corruptBill = true;
    try {
      const err = await rejection(collect(client.bills.downloadStream(tampered.download_url, tampered)));
      expect(err).toBeInstanceOf(WechatPaySignatureError);
      expect(err).toMatchObject({ reason: 'hash-mismatch' });
    } finally {
      fake.corruptBill = false;
    }
  });

  it('encrypts sensitive fields with the platform certificate and sends Wechatpay-Serial', async () => {
    const { ciphertext, serial } = await client.encryptSensitive('张三');
    expect(serial).toBe(fixtures.platformSerial);
    const plain = privateDecrypt(
      { key: fixtures.platformKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertext, 'base64'),
    );
    expect(plain.toString()).toBe('张三');
    const no = tradeNo();
    await client.request('POST', '/v3/pay/transactions/native', {
      body: { ...nativeOrder(no), mchid: fixtures.mchid },
      wechatpaySerial: serial,
    });
    expect(fake.requests.find((r) => r.body.includes(no))!.headers['wechatpay-serial']).toBe(serial);
  });
});

describe('V3Client validation (nothing is sent)', () => {
  it.each([
    ['amount.total', { amount: { total: 0.01 } }],
    ['amount.total', { amount: { total: 0 } }],
    ['out_trade_no', { out_trade_no: 'abc' }],
    ['out_trade_no', { out_trade_no: 'has space 123' }],
    ['time_expire', { time_expire: '2026-11-22 20:00:00' }],
    ['notify_url', { notify_url: 'merchant.example.com/notify' }],
  ])('refuses a bad %s', async (field, patch) => {
    const count = fake.requests.length;
    const err = await rejection(client.transactions.native({ ...nativeOrder(tradeNo()), ...patch } as never));
    expect(err).toBeInstanceOf(WechatPayValidationError);
    expect((err as WechatPayValidationError).field).toBe(field);
    expect(fake.requests.length).toBe(count);
  });

  it('accepts time_expire formatted by toRfc3339Beijing', async () => {
    const time_expire = toRfc3339Beijing(Date.now() + 3600_000);
    expect(time_expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    await expect(
      client.transactions.native({ ...nativeOrder(tradeNo()), time_expire }),
    ).resolves.toBeDefined();
  });

  it('refuses refunds above the total or naming no order', async () => {
    await expect(
      client.refunds.create({
        out_trade_no: tradeNo(),
        out_refund_no: 'R1',
        amount: { refund: 2, total: 1 },
      }),
    ).rejects.toBeInstanceOf(WechatPayValidationError);
    await expect(
      client.refunds.create({ out_refund_no: 'R1', amount: { refund: 1, total: 1 } } as never),
    ).rejects.toBeInstanceOf(WechatPayValidationError);
    await expect(client.bills.tradeBill({ bill_date: '20261121' })).rejects.toBeInstanceOf(
      WechatPayValidationError,
    );
  });
});

describe('V3Client error answers', () => {
  it('maps 404 ORDER_NOT_EXIST with its Request-ID', async () => {
    const err = await rejection(strict.transactions.queryByOutTradeNo('T-does-not-exist'));
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ status: 404, code: 'ORDER_NOT_EXIST', requestId: expect.any(String) });
  });

  it('reports an unsigned 401 SIGN_ERROR as an API error, not a signature failure', async () => {
    fake.fail('sign-error-401');
    const err = await rejection(strict.transactions.native(nativeOrder(tradeNo())));
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ status: 401, code: 'SIGN_ERROR', detail: { field: 'signature' } });
  });

  it('gets a real 401 SIGN_ERROR when signing with the wrong key', async () => {
    const wrong = clientFor(fake, { privateKey: fixtures.platformKey, retry: false });
    try {
      const err = await rejection(wrong.transactions.queryByOutTradeNo('T-any-order'));
      expect(err).toMatchObject({ status: 401, code: 'SIGN_ERROR' });
      expect(err.message).toContain('signature does not verify');
    } finally {
      await wrong.close();
    }
  });

  it('maps a 500 SYSTEM_ERROR as retryable, and a gateway HTML page with truncated text', async () => {
    fake.fail('system-error-500');
    const err = await rejection(strict.transactions.native(nativeOrder(tradeNo())));
    expect(err).toMatchObject({ status: 500, code: 'SYSTEM_ERROR', retryable: true });
    fake.fail('bad-gateway-html');
    const html = await rejection(strict.transactions.native(nativeOrder(tradeNo())));
    expect(html).toBeInstanceOf(WechatPayApiError);
    expect(html).toMatchObject({ status: 502, code: 'HTTP_502' });
    expect(html.message).toContain('502 Bad Gateway');
  });

  it('verifies signed error answers and still surfaces the API error', async () => {
    fake.fail('signed-error-400');
    await expect(strict.transactions.native(nativeOrder(tradeNo()))).rejects.toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
    });
    fake.fail('signed-error-bad-signature-400');
    const err = await rejection(strict.transactions.native(nativeOrder(tradeNo())));
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err).toMatchObject({ reason: 'bad-signature', detail: { status: 400, code: 'PARAM_ERROR' } });
  });

  it.each([
    ['unsigned-200', 'missing-header'],
    ['bad-signature-200', 'bad-signature'],
    ['probe-200', 'probe-signature'],
  ] as const)('treats a 2xx that is %s as forged (%s)', async (fault, reason) => {
    fake.fail(fault);
    const err = await rejection(client.transactions.native(nativeOrder(tradeNo())));
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err).toMatchObject({ reason });
  });

  it('maps 202 (accepted, retry with the same parameters) as a retryable API error', async () => {
    fake.fail('accepted-202');
    const err = await rejection(strict.transactions.native(nativeOrder(tradeNo())));
    expect(err).toMatchObject({ status: 202, code: 'USERPAYING', retryable: true });
  });
});

describe('V3Client retries', () => {
  it('retries an idempotent GET after a 500, with a fresh signature', async () => {
    const no = tradeNo();
    await client.transactions.native(nativeOrder(no));
    fake.fail('system-error-500', '/v3/pay/transactions/out-trade-no/');
    await expect(client.transactions.queryByOutTradeNo(no)).resolves.toMatchObject({ trade_state: 'NOTPAY' });
    const attempts = requestsTo(`/v3/pay/transactions/out-trade-no/${no}?`);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.headers.authorization).not.toBe(attempts[1]!.headers.authorization);
  });

  it('retries order creation (keyed by out_trade_no) after a 500 and a 202', async () => {
    const no = tradeNo();
    fake.fail('system-error-500');
    fake.fail('accepted-202');
    await expect(client.transactions.native(nativeOrder(no))).resolves.toHaveProperty('code_url');
    expect(fake.requests.filter((r) => r.body.includes(no))).toHaveLength(3);
  });

  it('does not retry close', async () => {
    const no = tradeNo();
    await client.transactions.native(nativeOrder(no));
    fake.fail('system-error-500', '/v3/pay/transactions/out-trade-no/');
    await expect(client.transactions.close(no)).rejects.toMatchObject({ status: 500 });
    expect(requestsTo(`/v3/pay/transactions/out-trade-no/${no}/close`)).toHaveLength(1);
  });

  it('gives up after the configured retries', async () => {
    for (let i = 0; i < 3; i++) fake.fail('system-error-500', '/v3/refund/');
    await expect(client.refunds.query('R-retry')).rejects.toMatchObject({ status: 500 });
    expect(requestsTo('/v3/refund/domestic/refunds/R-retry')).toHaveLength(3);
  });
});

describe('V3Client verification modes', () => {
  it('public-key mode: verifies PUB_KEY_ID answers, never downloads certificates, encrypts with the public key', async () => {
    const pkFake = await startFake({
      signer: { privateKey: fixtures.publicModeKey, serial: fixtures.publicKeyId },
      certificates: undefined,
    });
    const pk = clientFor(pkFake, {
      verification: {
        mode: 'public-key',
        publicKeyId: fixtures.publicKeyId,
        publicKey: fixtures.publicModePub,
      },
    });
    try {
      await expect(pk.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
      expect(pkFake.certificateDownloads).toBe(0);
      expect(pk.certificates).toBeUndefined();
      const { ciphertext, serial } = await pk.encryptSensitive('13800138000');
      expect(serial).toBe(fixtures.publicKeyId);
      const plain = privateDecrypt(
        { key: fixtures.publicModeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(ciphertext, 'base64'),
      );
      expect(plain.toString()).toBe('13800138000');
    } finally {
      await pk.close();
      await pkFake.close();
    }
  });

  it('certificates mode against a public-key merchant: a clear 404 RESOURCE_NOT_EXISTS', async () => {
    const pkFake = await startFake({
      signer: { privateKey: fixtures.publicModeKey, serial: fixtures.publicKeyId },
      certificates: undefined,
    });
    const wrongMode = clientFor(pkFake);
    try {
      const err = await rejection(wrongMode.transactions.native(nativeOrder(tradeNo())));
      expect(err).toBeInstanceOf(WechatPayApiError);
      expect(err).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
      expect(err.message).toContain('public-key mode');
    } finally {
      await wrongMode.close();
      await pkFake.close();
    }
  });

  it('both: verifies the platform certificate and the public key during the migration', async () => {
    const both = clientFor(fake, {
      verification: { mode: 'both', publicKeyId: fixtures.publicKeyId, publicKey: fixtures.publicModePub },
    });
    try {
      await expect(both.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
      fake.signer = { privateKey: fixtures.publicModeKey, serial: fixtures.publicKeyId };
      await expect(both.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
      expect((await both.encryptSensitive('x')).serial).toBe(fixtures.publicKeyId);
    } finally {
      fake.signer = { privateKey: fixtures.platformKey, serial: fixtures.platformSerial };
      await both.close();
    }
  });

  it('custom: a caller-supplied key store; encryption needs an explicit key', async () => {
    const custom = clientFor(fake, {
      verification: {
        mode: 'custom',
        keys: new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert }),
      },
    });
    try {
      const before = fake.certificateDownloads;
      await expect(custom.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
      expect(fake.certificateDownloads).toBe(before);
      await expect(custom.encryptSensitive('x')).rejects.toBeInstanceOf(WechatPayConfigError);
    } finally {
      await custom.close();
    }
  });
});
