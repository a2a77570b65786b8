import { request } from 'node:http';
import { buildV2RefundNotification } from '../../../src/v2/v2-notification-builder.js';
import { V3NotificationParser } from '../../../src/v3/v3-notification.js';
import { buildV3Notification } from '../../../src/v3/v3-notification-builder.js';
import type { V3RefundNotificationResource, V3Transaction } from '../../../src/v3/v3-types.js';
import { StaticKeyStore } from '../../../src/v3/verification-keys.js';
import { fixtures } from '../../support/fixtures.js';

/** Verifies what the SDK's /testing builders sign with the fixture platform key. */
export const fixtureParser = new V3NotificationParser({
  apiV3Key: fixtures.apiV3Key,
  keys: new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert }),
  mchid: fixtures.mchid,
});

const transaction: V3Transaction = {
  appid: fixtures.appid,
  mchid: fixtures.mchid,
  out_trade_no: 'FW20261202000001',
  transaction_id: '4200000000000000000000000042',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  attach: '',
  success_time: '2026-12-02T16:00:00+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 990, payer_total: 990, currency: 'CNY', payer_currency: 'CNY' },
};

const refund: V3RefundNotificationResource = {
  mchid: fixtures.mchid,
  out_trade_no: transaction.out_trade_no,
  transaction_id: transaction.transaction_id!,
  out_refund_no: 'FWR20261202000001',
  refund_id: '50000000000000000000000000042',
  refund_status: 'SUCCESS',
  success_time: '2026-12-02T16:05:00+08:00',
  user_received_account: '支付用户零钱',
  amount: { total: 990, refund: 300, payer_total: 990, payer_refund: 300 },
};

const signer = { privateKey: fixtures.platformKey, serial: fixtures.platformSerial };

export const paidNotification = () =>
  buildV3Notification({
    event_type: 'TRANSACTION.SUCCESS',
    resource: transaction,
    apiV3Key: fixtures.apiV3Key,
    signer,
  });

export const refundNotification = () =>
  buildV3Notification({
    event_type: 'REFUND.SUCCESS',
    resource: refund,
    apiV3Key: fixtures.apiV3Key,
    signer,
  });

export const v2RefundNotification = () =>
  buildV2RefundNotification(
    {
      transaction_id: transaction.transaction_id!,
      out_trade_no: transaction.out_trade_no,
      refund_id: refund.refund_id,
      out_refund_no: refund.out_refund_no,
      total_fee: 990,
      refund_fee: 300,
    },
    fixtures.apiKey,
    { appid: fixtures.appid, mch_id: fixtures.mchid },
  );

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** A chunked body with no Content-Length: the bound must hold while reading, not only up front. */
export function postChunked(url: string, chunks: number, chunkBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    const chunk = 'x'.repeat(chunkBytes);
    let sent = 0;
    const write = () => {
      while (sent < chunks) {
        sent += 1;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}
