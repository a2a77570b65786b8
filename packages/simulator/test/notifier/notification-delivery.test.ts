import {
  parseV2PaymentNotification,
  type V2PaymentNotification,
  type V2RefundNotification,
  type V3Notification,
} from '@wechatpay-kit/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { useNotifierSuite } from './support/notifier-suite.js';
import {
  answered,
  dispatcherOf,
  paymentNotificationOf,
  payTrade,
  refundAndSettle,
  waitFor,
} from './support/notifier-test-kit.js';

/** `yyyyMMddHHmmss` / `yyyy-MM-dd HH:mm:ss` / RFC 3339 of an instant in China time. */
const chinaIso = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);

describe('notifications a merchant receives', () => {
  const suite = useNotifierSuite();
  afterEach(() => {
    suite.sim.ctx.refunds.nextOutcome = 'SUCCESS';
  });

  it.each(['MD5', 'HMAC-SHA256'] as const)(
    'v2 payment, signed with %s, verifies with the merchant API key',
    async (signType) => {
      const trade = payTrade(suite.sim, {
        apiVersion: 'v2',
        notifyUrl: suite.merchant.url('/v2/pay'),
        signType,
        attach: 'a&b<c>',
      });
      const record = await answered(suite.sim, paymentNotificationOf(suite.sim, trade).id, 1);

      const [callback] = suite.merchant.received;
      expect(callback?.rejected).toBeUndefined();
      const got = callback!.parsed as V2PaymentNotification;
      expect(got).toMatchObject({
        appid: suite.sim.merchant.appid,
        mch_id: suite.sim.merchant.mchid,
        out_trade_no: trade.outTradeNo,
        transaction_id: trade.transactionId,
        openid: trade.payerOpenid,
        trade_type: 'NATIVE',
        total_fee: 1234,
        cash_fee: 1234,
        fee_type: 'CNY',
        is_subscribe: 'N',
        attach: 'a&b<c>',
        time_end: chinaIso(trade.paidAt!).replace(/\D/g, ''),
      });
      expect(got.sign_type).toBe(signType === 'MD5' ? undefined : 'HMAC-SHA256');
      expect(callback!.headers['content-type']).toBe('text/xml');
      expect(() => parseV2PaymentNotification(callback!.body, 'x'.repeat(32))).toThrow();

      expect(record.status).toBe('delivered');
      expect(record.body).toBe(callback!.body.toString('utf8'));
      expect(record.attempts).toEqual([
        expect.objectContaining({ acked: true, httpStatus: 200, dueAt: record.createdAt }),
      ]);
      expect(record.attempts[0]!.responseBody).toContain('SUCCESS');
    },
  );

  it('v3 payment: signed with the merchant’s WeChat Pay public key, resource decrypts to the transaction', async () => {
    const trade = payTrade(suite.sim, {
      apiVersion: 'v3',
      notifyUrl: suite.merchant.url('/v3'),
      totalFen: 9900,
    });
    const record = await answered(suite.sim, paymentNotificationOf(suite.sim, trade).id, 1);

    const [callback] = suite.merchant.received;
    expect(callback?.rejected).toBeUndefined();
    const got = callback!.parsed as V3Notification;
    expect(got.event_type).toBe('TRANSACTION.SUCCESS');
    expect(got.id).toBe(record.id);
    expect(got.resource).toEqual({
      appid: suite.sim.merchant.appid,
      mchid: suite.sim.merchant.mchid,
      out_trade_no: trade.outTradeNo,
      transaction_id: trade.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      success_time: `${chinaIso(trade.paidAt!)}+08:00`,
      payer: { openid: trade.payerOpenid },
      amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(callback!.headers).toMatchObject({
      'wechatpay-serial': suite.sim.merchant.publicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      'content-type': 'application/json',
      'user-agent': 'Mozilla/4.0',
    });
    expect(record).toMatchObject({ status: 'delivered', apiVersion: 'v3', kind: 'payment' });
    expect(record.body).toBe(callback!.body.toString('utf8'));
    expect(record.attempts).toEqual([expect.objectContaining({ acked: true, httpStatus: 204 })]);
  });

  it('v3 after the clock moved 2 h: signed on real time (a real-clock merchant accepts it), business times simulated', async () => {
    suite.sim.ctx.clock.advance(2 * 3600_000);
    const trade = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    await answered(suite.sim, paymentNotificationOf(suite.sim, trade).id, 1);
    const [callback] = suite.merchant.received;
    expect(callback?.rejected).toBeUndefined();
    expect(Math.abs(Number(callback!.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const got = callback!.parsed as V3Notification;
    expect(Date.parse(got.create_time)).toBeGreaterThan(Date.now() + 3600_000);
    expect(got.resource).toMatchObject({ success_time: `${chinaIso(trade.paidAt!)}+08:00` });
  });

  it('v2 refund: req_info decrypts with the API key; appid is the order’s', async () => {
    const trade = payTrade(suite.sim, { apiVersion: 'v2', notifyUrl: suite.merchant.url('/v2/pay') });
    const refund = refundAndSettle(suite.sim, trade, {
      apiVersion: 'v2',
      notifyUrl: suite.merchant.url('/v2/refund'),
      refundFen: 234,
    });

    const callback = await waitFor(
      () => suite.merchant.received.find((c) => c.path === '/v2/refund'),
      'the refund notification',
    );
    expect(callback.rejected).toBeUndefined();
    const got = callback.parsed as V2RefundNotification;
    expect(got).toMatchObject({
      appid: trade.appid,
      mch_id: trade.mchid,
      transaction_id: trade.transactionId,
      out_trade_no: trade.outTradeNo,
      refund_id: refund.refundId,
      out_refund_no: refund.outRefundNo,
      total_fee: 1234,
      refund_fee: 234,
      settlement_refund_fee: 234,
      refund_status: 'SUCCESS',
      success_time: chinaIso(refund.successAt!).replace('T', ' '),
      refund_recv_accout: '支付用户零钱',
    });
    const [logged] = dispatcherOf(suite.sim).list({ outRefundNo: refund.outRefundNo });
    const record = await answered(suite.sim, logged!.id, 1);
    expect(record).toMatchObject({
      kind: 'refund',
      apiVersion: 'v2',
      event: 'REFUND.SUCCESS',
      status: 'delivered',
    });
  });

  it('v2 refund that ends abnormally reports CHANGE without a success_time', async () => {
    const trade = payTrade(suite.sim, { apiVersion: 'v2', notifyUrl: suite.merchant.url('/v2/pay') });
    suite.sim.ctx.refunds.nextOutcome = 'ABNORMAL';
    refundAndSettle(suite.sim, trade, {
      apiVersion: 'v2',
      notifyUrl: suite.merchant.url('/v2/refund'),
      refundFen: 1234,
    });

    const callback = await waitFor(
      () => suite.merchant.received.find((c) => c.path === '/v2/refund'),
      'the refund notification',
    );
    const got = callback.parsed as V2RefundNotification;
    expect(got.refund_status).toBe('CHANGE');
    expect(got.success_time).toBeUndefined();
  });

  it.each([
    ['SUCCESS', 'REFUND.SUCCESS'],
    ['CLOSED', 'REFUND.CLOSED'],
    ['ABNORMAL', 'REFUND.ABNORMAL'],
  ] as const)('v3 refund ending %s arrives as %s with the refund resource', async (outcome, event) => {
    const trade = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    suite.sim.ctx.refunds.nextOutcome = outcome;
    const refund = refundAndSettle(suite.sim, trade, {
      apiVersion: 'v3',
      notifyUrl: suite.merchant.url('/v3'),
      refundFen: 1000,
    });

    const isRefund = (parsed: unknown) =>
      (parsed as V3Notification | undefined)?.event_type.startsWith('REFUND.');
    const callback = await waitFor(
      () => suite.merchant.received.find((c) => isRefund(c.parsed)),
      'the refund notification',
    );
    expect(suite.merchant.received.filter((c) => c.rejected)).toEqual([]);
    const got = callback.parsed as V3Notification;
    expect(got.event_type).toBe(event);
    expect(got.resource).toEqual({
      mchid: trade.mchid,
      out_trade_no: trade.outTradeNo,
      transaction_id: trade.transactionId,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: outcome,
      ...(outcome === 'SUCCESS' ? { success_time: `${chinaIso(refund.successAt!)}+08:00` } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: 1234, refund: 1000, payer_total: 1234, payer_refund: 1000 },
    });
  });

  it('a refund asked for without notify_url is not notified', async () => {
    const trade = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    const refund = refundAndSettle(suite.sim, trade, { apiVersion: 'v3', refundFen: 100 });
    expect(suite.sim.ctx.refunds.find(trade.mchid, refund.outRefundNo)?.status).toBe('SUCCESS');
    expect(dispatcherOf(suite.sim).list({ outRefundNo: refund.outRefundNo })).toEqual([]);
  });

  it('paying does not wait for the merchant: the callback is still in flight when pay returns', async () => {
    suite.merchant.answer = 'hang';
    const trade = payTrade(suite.sim, { apiVersion: 'v3', notifyUrl: suite.merchant.url('/v3') });
    const record = paymentNotificationOf(suite.sim, trade);
    expect(record.status).toBe('pending');
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]!.durationMs).toBeUndefined();
  });
});
