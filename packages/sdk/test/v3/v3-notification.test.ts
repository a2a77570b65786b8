import { createDecipheriv, verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  WechatPayDecryptError,
  WechatPayError,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '../../src/errors.js';
import { signV3Response } from '../../src/v3/response-signer.js';
import { V3NotificationParser } from '../../src/v3/v3-notification.js';
import { buildV3Notification } from '../../src/v3/v3-notification-builder.js';
import { v3NotificationAck, v3NotificationFailure } from '../../src/v3/v3-notification-reply.js';
import type { V3RefundNotificationResource, V3Transaction } from '../../src/v3/v3-types.js';
import { StaticKeyStore } from '../../src/v3/verification-keys.js';
import { fixtures } from '../support/fixtures.js';
import { clientFor, startFake } from './support/v3-test-kit.js';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const platform = { privateKey: fixtures.platformKey, serial: fixtures.platformSerial };
const keys = new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert });
const parser = new V3NotificationParser({
  apiV3Key: fixtures.apiV3Key,
  keys,
  mchid: fixtures.mchid,
  now: () => NOW,
});

const transaction: V3Transaction = {
  appid: fixtures.appid,
  mchid: fixtures.mchid,
  out_trade_no: 'T20261201000001',
  transaction_id: '4200000000000000000000000001',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  attach: '',
  success_time: '2026-12-01T16:00:00+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};

const refund = (status: V3RefundNotificationResource['refund_status']): V3RefundNotificationResource => ({
  mchid: fixtures.mchid,
  out_trade_no: 'T20261201000001',
  transaction_id: '4200000000000000000000000001',
  out_refund_no: 'R20261201000001',
  refund_id: '50000000000000000000000000001',
  refund_status: status,
  ...(status === 'SUCCESS' ? { success_time: '2026-12-01T16:05:00+08:00' } : {}),
  user_received_account: '支付用户零钱',
  amount: { total: 100, refund: 40, payer_total: 100, payer_refund: 40 },
});

const paid = () =>
  buildV3Notification({
    event_type: 'TRANSACTION.SUCCESS',
    resource: transaction,
    apiV3Key: fixtures.apiV3Key,
    signer: platform,
    now: () => NOW,
  });

/** Re-signs an arbitrary body correctly, so only the property under test is wrong. */
function signedBody(body: string) {
  return { headers: signV3Response(body, { ...platform, now: () => NOW }), body };
}

interface Envelope {
  event_type: string;
  resource?: { algorithm?: unknown; nonce?: unknown; associated_data?: unknown; ciphertext?: unknown };
}

function edited(edit: (envelope: Envelope) => void) {
  const envelope = JSON.parse(paid().body);
  edit(envelope);
  return signedBody(JSON.stringify(envelope));
}

async function failure(promise: Promise<unknown>): Promise<WechatPayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WechatPayError) return err;
    throw err;
  }
  throw new Error('parse unexpectedly succeeded');
}

describe('buildV3Notification', () => {
  it('produces what WeChat sends: signed headers, encrypted resource, +08:00 create_time', () => {
    const { headers, body } = paid();
    const envelope = JSON.parse(body);
    expect(envelope).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      create_time: '2026-12-01T16:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        associated_data: 'transaction',
      },
    });
    expect(envelope.resource.nonce).toMatch(/^[A-Za-z0-9]{12}$/);
    // Checked with node:crypto directly, not with the SDK's parser.
    const message = `${headers['Wechatpay-Timestamp']}\n${headers['Wechatpay-Nonce']}\n${body}\n`;
    const platformKey = new X509Certificate(fixtures.platformCert).publicKey;
    expect(
      verify(
        'sha256',
        Buffer.from(message),
        platformKey,
        Buffer.from(headers['Wechatpay-Signature']!, 'base64'),
      ),
    ).toBe(true);
    const data = Buffer.from(envelope.resource.ciphertext, 'base64');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(fixtures.apiV3Key),
      Buffer.from(envelope.resource.nonce),
    );
    decipher.setAAD(Buffer.from('transaction'));
    decipher.setAuthTag(data.subarray(-16));
    const plain = Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString();
    expect(JSON.parse(plain)).toEqual(transaction);
    expect(headers['Wechatpay-Serial']).toBe(fixtures.platformSerial);
    expect(headers['Wechatpay-Timestamp']).toBe(String(NOW / 1000));
  });
});

describe('V3NotificationParser', () => {
  it('parses TRANSACTION.SUCCESS into the query-shaped transaction', async () => {
    const { headers, body } = paid();
    const lowerCased = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const notification = await parser.parse(lowerCased, Buffer.from(body));
    expect(notification.event_type).toBe('TRANSACTION.SUCCESS');
    if (notification.event_type !== 'TRANSACTION.SUCCESS') throw new Error('narrowing');
    expect(notification.resource).toEqual(transaction);
    expect(notification.resource.amount?.total).toBe(100);
    expect(notification).toMatchObject({
      create_time: '2026-12-01T16:00:00+08:00',
      summary: '支付成功',
      resource_type: 'encrypt-resource',
      verified: { serial: fixtures.platformSerial, timestamp: NOW / 1000 },
    });
  });

  it.each(['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'] as const)(
    'parses %s',
    async (event_type) => {
      const status = (
        { 'REFUND.SUCCESS': 'SUCCESS', 'REFUND.ABNORMAL': 'ABNORMAL', 'REFUND.CLOSED': 'CLOSED' } as const
      )[event_type];
      const { headers, body } = buildV3Notification({
        event_type,
        resource: refund(status),
        apiV3Key: fixtures.apiV3Key,
        signer: platform,
        now: () => NOW,
      });
      expect(JSON.parse(body).resource.original_type).toBe('refund');
      const notification = await parser.parse(headers, body);
      expect(notification.event_type).toBe(event_type);
      if (notification.event_type === 'TRANSACTION.SUCCESS') throw new Error('narrowing');
      expect(notification.resource).toEqual(refund(status));
      expect(notification.resource.refund_status).toBe(status);
    },
  );

  it.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'refuses a notification without %s',
    async (name) => {
      const { headers, body } = paid();
      delete headers[name];
      expect(await failure(parser.parse(headers, body))).toMatchObject({ reason: 'missing-header' });
    },
  );

  it('refuses a stale timestamp (replayed old notification)', async () => {
    const old = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: transaction,
      apiV3Key: fixtures.apiV3Key,
      signer: platform,
      now: () => NOW - 301_000,
    });
    expect(await failure(parser.parse(old.headers, old.body))).toMatchObject({ reason: 'stale-timestamp' });
  });

  it('refuses a serial it does not know', async () => {
    const n = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: transaction,
      apiV3Key: fixtures.apiV3Key,
      signer: { privateKey: fixtures.platformKey, serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' },
      now: () => NOW,
    });
    expect(await failure(parser.parse(n.headers, n.body))).toMatchObject({ reason: 'unknown-serial' });
  });

  it('refuses a body with one byte changed', async () => {
    const { headers, body } = paid();
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf('encrypt-resource')]! ^= 0x01;
    const err = await failure(parser.parse(headers, tampered));
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err).toMatchObject({ reason: 'bad-signature' });
  });

  it('refuses a signature by another key under the right serial', async () => {
    const n = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: transaction,
      apiV3Key: fixtures.apiV3Key,
      signer: { privateKey: fixtures.merchantKey, serial: fixtures.platformSerial },
      now: () => NOW,
    });
    expect(await failure(parser.parse(n.headers, n.body))).toMatchObject({ reason: 'bad-signature' });
  });

  it('refuses WeChat probe signatures', async () => {
    const { headers, body } = paid();
    headers['Wechatpay-Signature'] = 'WECHATPAY/SIGNTEST/YWJjZGVmZ2hpamtsbW5vcA==';
    expect(await failure(parser.parse(headers, body))).toMatchObject({ reason: 'probe-signature' });
  });

  it('refuses signed bodies that are not a JSON object', async () => {
    for (const body of ['{"id":', '[1,2]', 'null']) {
      const s = signedBody(body);
      expect(await failure(parser.parse(s.headers, s.body))).toBeInstanceOf(WechatPayFormatError);
    }
  });

  it('refuses oversized bodies before checking anything else', async () => {
    const huge = 'x'.repeat(64 * 1024 + 1);
    expect(await failure(parser.parse({}, huge))).toBeInstanceOf(WechatPayFormatError);
    const small = new V3NotificationParser({
      apiV3Key: fixtures.apiV3Key,
      keys,
      now: () => NOW,
      maxBodyBytes: 100,
    });
    const { headers, body } = paid();
    expect(await failure(small.parse(headers, body))).toBeInstanceOf(WechatPayFormatError);
  });

  it('refuses an unsupported algorithm, event type, or missing resource', async () => {
    const cases = [
      edited((e) => {
        e.resource!.algorithm = 'AEAD_AES_128_GCM';
      }),
      edited((e) => {
        e.event_type = 'COUPON.USE';
      }),
      edited((e) => {
        delete e.resource;
      }),
      edited((e) => {
        e.resource!.nonce = 12345;
      }),
    ];
    for (const c of cases)
      expect(await failure(parser.parse(c.headers, c.body))).toBeInstanceOf(WechatPayFormatError);
  });

  it('refuses a truncated ciphertext or altered associated data (even when re-signed)', async () => {
    const truncated = edited((e) => {
      e.resource!.ciphertext = Buffer.from(String(e.resource!.ciphertext), 'base64')
        .subarray(0, 15)
        .toString('base64');
    });
    const shortened = edited((e) => {
      e.resource!.ciphertext = Buffer.from(String(e.resource!.ciphertext), 'base64')
        .subarray(0, -1)
        .toString('base64');
    });
    const aad = edited((e) => {
      e.resource!.associated_data = 'refund';
    });
    for (const c of [truncated, shortened, aad]) {
      expect(await failure(parser.parse(c.headers, c.body))).toBeInstanceOf(WechatPayDecryptError);
    }
  });

  it('cannot decrypt with a wrong APIv3 key', async () => {
    const wrong = new V3NotificationParser({ apiV3Key: 'b'.repeat(32), keys, now: () => NOW });
    const { headers, body } = paid();
    expect(await failure(wrong.parse(headers, body))).toBeInstanceOf(WechatPayDecryptError);
  });

  it('refuses a resource for another merchant, or without its key fields', async () => {
    const other = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { ...transaction, mchid: '1230000109' },
      apiV3Key: fixtures.apiV3Key,
      signer: platform,
      now: () => NOW,
    });
    expect(await failure(parser.parse(other.headers, other.body))).toMatchObject({
      reason: 'field-mismatch',
    });
    const hollow = buildV3Notification({
      event_type: 'REFUND.SUCCESS',
      resource: { mchid: fixtures.mchid } as never,
      apiV3Key: fixtures.apiV3Key,
      signer: platform,
      now: () => NOW,
    });
    expect(await failure(parser.parse(hollow.headers, hollow.body))).toBeInstanceOf(WechatPayFormatError);
  });

  it('works through V3Client.notifications, downloading certificates on first sight', async () => {
    const fake = await startFake();
    const client = clientFor(fake);
    try {
      const n = buildV3Notification({
        event_type: 'TRANSACTION.SUCCESS',
        resource: transaction,
        apiV3Key: fixtures.apiV3Key,
        signer: platform,
      });
      const parsed = await client.notifications.parse(n.headers, n.body);
      expect(parsed.resource).toEqual(transaction);
      expect(fake.certificateDownloads).toBe(1);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('v3 notification replies', () => {
  it('acknowledges with 204 and no body', () => {
    expect(v3NotificationAck()).toEqual({ status: 204, headers: {}, body: '' });
  });

  it('fails with a 5xx and {code: FAIL, message}', () => {
    const reply = v3NotificationFailure('signature invalid');
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(reply.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ code: 'FAIL', message: 'signature invalid' });
  });
});
