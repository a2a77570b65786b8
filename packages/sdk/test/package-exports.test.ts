/** The package as users import it (built `dist`, through the `exports` map), not the sources. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as sdk from '@wechatpay-kit/sdk';
import * as crypto from '@wechatpay-kit/sdk/crypto';
import * as expressEntry from '@wechatpay-kit/sdk/express';
import * as fastifyEntry from '@wechatpay-kit/sdk/fastify';
import * as koaEntry from '@wechatpay-kit/sdk/koa';
import * as testing from '@wechatpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';

describe('@wechatpay-kit/sdk public surface', () => {
  it.each([
    'V2Client',
    'V3Client',
    'V3RequestSigner',
    'V3ResponseVerifier',
    'PlatformCertificateStore',
    'PublicKeyStore',
    'V3NotificationParser',
    'parseV2PaymentNotification',
    'parseV2RefundNotification',
    'parseV2Xml',
    'buildBizPayUrl',
    'jsapiPayParamsV2',
    'jsapiPayParamsV3',
    'AccessTokenProvider',
    'JsapiTicketProvider',
    'OAuthClient',
    'MiniProgramClient',
    'MemoryTokenCache',
    'jssdkSignature',
    'isPaidTradeState',
    'isPaymentCode',
    'assertPaymentCode',
    'maskPaymentCode',
    'collectPaymentCode',
    'resumePaymentCode',
    'v2PaymentCodeCashier',
    'v2PaymentCodeResumer',
    'v3PaymentCodeCashier',
    'v3PaymentCodeResumer',
    'WechatPayReconcileError',
    'WechatPayError',
    'WechatPayApiError',
    'WechatPaySignatureError',
    'WechatPayNotificationError',
    'v3NotificationEndpoint',
    'v2PaymentNotificationEndpoint',
    'v2RefundNotificationEndpoint',
    'productCallbackEndpoint',
  ])('exports %s from the package root', (name) => {
    expect(typeof (sdk as Record<string, unknown>)[name]).toBe('function');
  });

  it.each([
    'buildV3Notification',
    'buildV2PaymentNotification',
    'buildV2RefundNotification',
    'signV3Response',
    'buildSignedWebhook',
  ])('exports %s from /testing', (name) => {
    expect(typeof (testing as Record<string, unknown>)[name]).toBe('function');
  });

  it.each([
    'md5Hex',
    'hmacSha256Hex',
    'rsaSign',
    'rsaVerify',
    'aesGcmEncrypt',
    'aesGcmDecrypt',
    'encryptReqInfo',
    'nonceStr',
    'signedMessage',
    'v2Sign',
    'v2Verify',
    'parseAuthorization',
    'stripFragment',
  ])('exports %s from /crypto, not from the root', (name) => {
    expect(typeof (crypto as Record<string, unknown>)[name]).toBe('function');
    expect(name in sdk).toBe(false);
  });

  it('keeps the test builders and internals off the root', () => {
    for (const name of [...Object.keys(testing), 'header', 'withRetry']) expect(name in sdk).toBe(false);
  });

  it.each([
    ['koa', koaEntry, ['koaNotifications']],
    ['express', expressEntry, ['expressNotifications']],
    ['fastify', fastifyEntry, ['fastifyNotifications', 'fastifyNotificationHandler']],
  ] as const)(
    'exports the %s adapter from its own subpath, with no framework loaded',
    (subpath, entry, names) => {
      expect(Object.keys(entry).sort()).toEqual([...names].sort());
      for (const name of names) expect(typeof (entry as Record<string, unknown>)[name]).toBe('function');
      const built = readFileSync(fileURLToPath(import.meta.resolve(`@wechatpay-kit/sdk/${subpath}`)), 'utf8');
      expect(built).not.toMatch(/from ['"](koa|express|fastify)['"]/);
    },
  );
});
