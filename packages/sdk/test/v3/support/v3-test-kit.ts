import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { V3Client } from '../../../src/v3/v3-client.js';
import type { V3ClientOptions } from '../../../src/v3/v3-client-options.js';
import { fixtures } from '../../support/fixtures.js';
import { FakeWechatV3, type FakeWechatV3Options } from './fake-wechat-v3.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const read = (name: string) => readFileSync(dir + name, 'utf8');

/** A second platform certificate (rotation) and a 30-day one sharing its key (expiry). */
export const extraCerts = {
  rotatedKey: read('platform2-key.pem'),
  rotatedCert: read('platform2-cert.pem'),
  rotatedSerial: '3C8A1E5B27D94F60A1B2C3D4E5F60718293A4B5C',
  shortCert: read('platform-short-cert.pem'),
  shortSerial: '2B7D4E1F90A3C5D6E7F8091A2B3C4D5E6F708192',
} as const;

/** A fake WeChat that lists the fixture platform certificate and signs with it. */
export function startFake(overrides: Partial<FakeWechatV3Options> = {}): Promise<FakeWechatV3> {
  return FakeWechatV3.start({
    mchid: fixtures.mchid,
    merchantCert: fixtures.merchantCert,
    merchantSerial: fixtures.merchantSerial,
    apiV3Key: fixtures.apiV3Key,
    signer: { privateKey: fixtures.platformKey, serial: fixtures.platformSerial },
    certificates: [fixtures.platformCert],
    ...overrides,
  });
}

/** A client for the fixture merchant pointed at `fake`, platform-certificate mode unless overridden. */
export function clientFor(fake: FakeWechatV3, overrides: Partial<V3ClientOptions> = {}): V3Client {
  return new V3Client({
    mchid: fixtures.mchid,
    serialNo: fixtures.merchantSerial,
    privateKey: fixtures.merchantKey,
    apiV3Key: fixtures.apiV3Key,
    baseUrl: fake.baseUrl,
    retry: { retries: 2, baseDelayMs: 1 },
    ...overrides,
  });
}

/** A valid Native order; `out_trade_no` made unique by the caller. */
export function nativeOrder(outTradeNo: string) {
  return {
    appid: fixtures.appid,
    description: '测试商品 — wechatpay-kit',
    out_trade_no: outTradeNo,
    notify_url: 'https://merchant.example.com/api/notify/v3',
    amount: { total: 1 },
  };
}
