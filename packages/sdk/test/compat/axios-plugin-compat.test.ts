/**
 * Interoperability with an independent implementation: wechatpay-axios-plugin, used unmodified
 * the way its users use it. What we sign it must verify, and what it signs we must verify.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aes, Formatter, Hash, Rsa, Transformer, Wechatpay } from 'wechatpay-axios-plugin';
import { aesGcmDecrypt, aesGcmEncrypt } from '../../src/crypto/aes-gcm.js';
import { loadPublicKey, rsaVerify } from '../../src/crypto/rsa.js';
import { buildV3Notification, signV3Response } from '../../src/testing.js';
import { v2Sign } from '../../src/v2/v2-signer.js';
import { buildV2Xml, parseV2Xml } from '../../src/v2/xml-codec.js';
import { parseAuthorization, V3RequestSigner } from '../../src/v3/request-signer.js';
import { V3ResponseVerifier } from '../../src/v3/response-verifier.js';
import { StaticKeyStore } from '../../src/v3/verification-keys.js';
import { fixtures } from '../support/fixtures.js';

const platformPublic = Rsa.from(fixtures.platformCert, Rsa.KEY_TYPE_PUBLIC);
const merchantPublic = loadPublicKey(fixtures.merchantCert);

describe('v3 signatures both ways', () => {
  it('their verifier accepts our Authorization signature', () => {
    const signer = new V3RequestSigner({
      mchid: fixtures.mchid,
      serialNo: fixtures.merchantSerial,
      privateKey: fixtures.merchantKey,
    });
    const body = '{"amount":{"total":1}}';
    const auth = parseAuthorization(signer.authorization('POST', '/v3/pay/transactions/native', body))!;
    const message = Formatter.request(
      'POST',
      '/v3/pay/transactions/native',
      auth.timestamp,
      auth.nonce_str,
      body,
    );
    const theirMerchantKey = Rsa.from(fixtures.merchantCert, Rsa.KEY_TYPE_PUBLIC);
    expect(Rsa.verify(message, auth.signature, theirMerchantKey)).toBe(true);
    expect(Rsa.verify(message.replace('"total":1', '"total":2'), auth.signature, theirMerchantKey)).toBe(
      false,
    );
  });

  it('our verifier accepts their signed answer, and refuses it altered', () => {
    const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}';
    const timestamp = String(Formatter.timestamp());
    const nonce = Formatter.nonce();
    const signature = Rsa.sign(
      Formatter.response(timestamp, nonce, body),
      Rsa.from(fixtures.platformKey, Rsa.KEY_TYPE_PRIVATE),
    );
    const headers = {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': fixtures.platformSerial,
    };
    const verifier = new V3ResponseVerifier({
      keys: new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert }),
    });
    expect(verifier.verify(headers, body).serial).toBe(fixtures.platformSerial);
    expect(() => verifier.verify(headers, body.replace('JyC', 'JyD'))).toThrow(/does not match/);
  });

  it('their notification checks accept what our test helper builds', () => {
    const { headers, body } = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: {
        appid: fixtures.appid,
        mchid: fixtures.mchid,
        out_trade_no: 'compat_0001',
        transaction_id: '4200000000202611220000000001',
        trade_type: 'NATIVE',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: '2026-11-22T20:00:00+08:00',
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        amount: { total: 1, payer_total: 1, currency: 'CNY', payer_currency: 'CNY' },
      },
      apiV3Key: fixtures.apiV3Key,
      signer: { privateKey: fixtures.platformKey, serial: fixtures.platformSerial },
    });
    const message = Formatter.response(headers['Wechatpay-Timestamp']!, headers['Wechatpay-Nonce']!, body);
    expect(Rsa.verify(message, headers['Wechatpay-Signature']!, platformPublic)).toBe(true);
    const { resource } = JSON.parse(body);
    const plain = Aes.AesGcm.decrypt(
      resource.ciphertext,
      fixtures.apiV3Key,
      resource.nonce,
      resource.associated_data,
    );
    expect(JSON.parse(plain)).toMatchObject({ out_trade_no: 'compat_0001', amount: { total: 1 } });
  });

  it('AEAD_AES_256_GCM agrees in both directions', () => {
    const theirs = Aes.AesGcm.encrypt('{"x":"中文"}', fixtures.apiV3Key, 'abcdefghijkl', 'transaction');
    const mine = aesGcmEncrypt(fixtures.apiV3Key, 'abcdefghijkl', 'transaction', '{"x":"中文"}');
    expect(mine).toBe(theirs);
    const decrypted = aesGcmDecrypt(fixtures.apiV3Key, {
      nonce: 'abcdefghijkl',
      associatedData: 'transaction',
      ciphertext: theirs,
    });
    expect(decrypted.toString()).toBe('{"x":"中文"}');
  });
});

describe('v2 signing and XML both ways', () => {
  const fields = {
    appid: fixtures.appid,
    mch_id: '10000100',
    nonce_str: 'ibuaiVcKdpRxkhJA',
    body: 'test & <测试>',
    total_fee: '1',
  };

  it('computes the same MD5 and HMAC-SHA256 signs', () => {
    expect(v2Sign(fields, fixtures.apiKey, 'MD5')).toBe(Hash.sign('MD5', fields, fixtures.apiKey));
    expect(v2Sign(fields, fixtures.apiKey, 'HMAC-SHA256')).toBe(
      Hash.sign('HMAC-SHA256', fields, fixtures.apiKey),
    );
  });

  it("reads each other's XML", () => {
    expect(parseV2Xml(Transformer.toXml(fields))).toEqual(fields);
    expect(Transformer.toObject(buildV2Xml(fields))).toEqual(fields);
  });
});

describe('their full v3 client against a server that signs with our helpers', () => {
  let server: Server;
  let baseURL: string;
  const seen: Array<{ url: string; verified: boolean }> = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await readBody(req);
      const auth = parseAuthorization(req.headers.authorization);
      const message = `${req.method}\n${req.url}\n${auth?.timestamp}\n${auth?.nonce_str}\n${body}\n`;
      const verified =
        !!auth &&
        auth.serial_no === fixtures.merchantSerial &&
        rsaVerify(merchantPublic, message, auth.signature);
      seen.push({ url: req.url ?? '', verified });
      const answer = verified
        ? JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=compat01' })
        : JSON.stringify({ code: 'SIGN_ERROR', message: '签名错误' });
      const signed = signV3Response(answer, {
        privateKey: fixtures.platformKey,
        serial: fixtures.platformSerial,
      });
      res.writeHead(verified ? 200 : 401, { 'Content-Type': 'application/json', ...signed });
      res.end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('creates a Native order: our server verifies its signature, it verifies ours', async () => {
    const wxpay = new Wechatpay({
      mchid: fixtures.mchid,
      serial: fixtures.merchantSerial,
      privateKey: fixtures.merchantKey,
      certs: { [fixtures.platformSerial]: fixtures.platformCert },
      baseURL,
    });
    const res = await wxpay.v3!.pay!.transactions!.native!.post({
      mchid: fixtures.mchid,
      appid: fixtures.appid,
      description: 'compat',
      out_trade_no: 'compat_0002',
      notify_url: 'https://merchant.example/notify',
      amount: { total: 1 },
    });
    expect(res.data).toEqual({ code_url: 'weixin://wxpay/bizpayurl?pr=compat01' });
    expect(seen.at(-1)).toEqual({ url: '/v3/pay/transactions/native', verified: true });
  });

  it('their verifier refuses our answer when it was signed with another key', async () => {
    const wxpay = new Wechatpay({
      mchid: fixtures.mchid,
      serial: fixtures.merchantSerial,
      privateKey: fixtures.merchantKey,
      // the public-key-mode key under the platform serial: the signature cannot match
      certs: { [fixtures.platformSerial]: fixtures.publicModePub },
      baseURL,
    });
    await expect(
      wxpay.v3!.pay!.transactions!.native!.post({ mchid: fixtures.mchid, amount: { total: 1 } }),
    ).rejects.toThrow(/verif|signature/i);
  });
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
