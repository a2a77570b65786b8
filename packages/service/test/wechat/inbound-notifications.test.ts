import { parseV2Xml } from '@wechatpay-kit/sdk';
import { buildV2RefundNotification, buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundNotifications, WechatClients } from '../../src/adapters/wechat/index.js';
import { DomainError, type InboundNotificationsByVersion } from '../../src/domain/index.js';
import { simulatedMerchantConfig } from './simulated-merchant.js';

describe('inbound notifications, one dialect per API version', () => {
  let sim: RunningSimulator;
  let clients: WechatClients;
  let inbound: InboundNotificationsByVersion;
  const m = () => sim.merchant;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    clients = new WechatClients(simulatedMerchantConfig(sim));
    inbound = inboundNotifications(clients);
  });
  afterAll(async () => {
    await clients?.close();
    await sim?.stop();
  });

  const refund = {
    transaction_id: '4200000000202611221234567890',
    out_trade_no: 'N20261122000001',
    refund_id: '50000000000000000001',
    out_refund_no: 'R20261122000001',
    total_fee: 990,
    refund_fee: 500,
  };

  it('v2 refund: decrypted with the API key, marked as a hint to confirm by query', async () => {
    const body = buildV2RefundNotification(refund, m().apiKey, { appid: m().appid, mch_id: m().mchid });
    const notice = await inbound.v2.verifyRefund({}, Buffer.from(body));
    expect(notice).toMatchObject({
      apiVersion: 'v2',
      mchid: m().mchid,
      refundNo: refund.out_refund_no,
      orderNo: refund.out_trade_no,
      amountFen: 500,
      status: 'SUCCESS',
      confirmByQuery: true,
    });
    const wrongKey = buildV2RefundNotification(refund, 'k'.repeat(32), {
      appid: m().appid,
      mch_id: m().mchid,
    });
    const error = await inbound.v2.verifyRefund({}, Buffer.from(wrongKey)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('NOTIFICATION_REJECTED');
    expect((error as DomainError).message).not.toContain(m().apiKey);
  });

  it('v3 refund: signature checked and decrypted, applied as notified; a payment event is refused', async () => {
    const record = sim.ctx.merchants.get(m().mchid)!;
    const signer = { privateKey: record.publicKeyPrivatePem, serial: record.publicKeyId };
    const built = buildV3Notification({
      event_type: 'REFUND.SUCCESS',
      resource: {
        mchid: m().mchid,
        out_trade_no: refund.out_trade_no,
        transaction_id: refund.transaction_id,
        out_refund_no: refund.out_refund_no,
        refund_id: refund.refund_id,
        refund_status: 'SUCCESS',
        success_time: '2026-11-22T20:00:05+08:00',
        user_received_account: '支付用户零钱',
        amount: { total: 990, refund: 500, payer_total: 990, payer_refund: 500 },
      } as never,
      apiV3Key: m().apiV3Key,
      signer,
    });
    expect(await inbound.v3.verifyRefund(built.headers, Buffer.from(built.body))).toMatchObject({
      apiVersion: 'v3',
      refundNo: refund.out_refund_no,
      amountFen: 500,
      status: 'SUCCESS',
      succeededAt: new Date('2026-11-22T12:00:05Z'),
      confirmByQuery: false,
    });
    const payment = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { appid: m().appid, mchid: m().mchid, out_trade_no: 'N1', trade_state: 'SUCCESS' } as never,
      apiV3Key: m().apiV3Key,
      signer,
    });
    const error = await inbound.v3.verifyRefund(payment.headers, Buffer.from(payment.body)).catch((e) => e);
    expect((error as DomainError).code).toBe('NOTIFICATION_REJECTED');
  });

  it('v2 answers: XML return_code on a 200 (429 when the sender is limited)', () => {
    const ack = inbound.v2.reply({ ack: true });
    expect(ack.status).toBe(200);
    expect(ack.headers['content-type']).toMatch(/^text\/xml/);
    expect(parseV2Xml(ack.body!)).toMatchObject({ return_code: 'SUCCESS' });
    const refused = inbound.v2.reply({ ack: false, failure: 'rejected', message: 'bad sign' });
    expect(refused.status).toBe(200);
    expect(parseV2Xml(refused.body!)).toMatchObject({ return_code: 'FAIL', return_msg: 'bad sign' });
    expect(inbound.v2.reply({ ack: false, failure: 'rejected', message: 'x' }, true).status).toBe(429);
  });

  it('v3 answers: 204 without a body, 400 for what will never verify, 5xx for our own failure', () => {
    const ack = inbound.v3.reply({ ack: true });
    expect(ack).toMatchObject({ status: 204, body: undefined });
    const rejected = inbound.v3.reply({ ack: false, failure: 'rejected', message: 'bad signature' });
    expect(rejected.status).toBe(400);
    expect(JSON.parse(rejected.body!)).toEqual({ code: 'FAIL', message: 'bad signature' });
    const ours = inbound.v3.reply({ ack: false, failure: 'error', message: 'retry please' });
    expect(ours.status).toBeGreaterThanOrEqual(500);
    expect(inbound.v3.reply({ ack: false, failure: 'rejected', message: 'x' }, true).status).toBe(429);
  });
});
