import { parseV2Xml } from '@wechatpay-kit/sdk';
import { v2Sign } from '@wechatpay-kit/sdk/crypto';
import { buildV2PaymentNotification, buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inboundNotifications,
  SdkWechatGateway,
  type WechatMerchantConfig,
} from '../../src/adapters/wechat/index.js';
import {
  type ApiVersion,
  DomainError,
  type InboundNotificationsByVersion,
  type Order,
  type PayType,
} from '../../src/domain/index.js';
import { simulatedMerchantConfig, simulatedOrder } from './simulated-merchant.js';

describe('SdkWechatGateway against the simulator', () => {
  let sim: RunningSimulator;
  let config: WechatMerchantConfig;
  let gateway: SdkWechatGateway;
  let inbound: InboundNotificationsByVersion;
  const simNow = () => sim.ctx.clock.now();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    config = simulatedMerchantConfig(sim);
    gateway = new SdkWechatGateway(config);
    inbound = inboundNotifications(gateway.clients);
  });
  afterAll(async () => {
    await gateway?.shutdown();
    await sim?.stop();
  });

  function order(apiVersion: ApiVersion, payType: PayType = 'NATIVE', extra: Partial<Order> = {}): Order {
    return simulatedOrder(sim, apiVersion, { payType, ...extra });
  }

  async function rejection(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  for (const v of ['v2', 'v3'] as const) {
    describe(`API ${v}`, () => {
      it('creates Native, JSAPI, mini-program and H5 prepays with time_expire and notify_url', async () => {
        const native = order(v);
        const { codeUrl } = await gateway.createPrepay(native);
        expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
        const trade = sim.ctx.trades.lookup(codeUrl!)!;
        expect(trade.totalFen).toBe(990);
        expect(Math.floor(trade.expiresAt / 1000)).toBe(Math.floor(native.expiresAt.getTime() / 1000));
        expect(JSON.stringify(trade)).toContain(`http://127.0.0.1:9/shop/api/notify/${v}`);
        // Same out_trade_no, same parameters: WeChat answers with the same prepay.
        expect((await gateway.createPrepay(native)).codeUrl).toBe(codeUrl);

        const openid = sim.ctx.users.openid('alice', sim.merchant.appid);
        const jsapi = await gateway.createPrepay(order(v, 'JSAPI', { openid }));
        expect(jsapi.prepayId).toBeTruthy();
        const h5 = await gateway.createPrepay(order(v, 'H5'));
        expect(h5.h5Url).toMatch(/^https?:\/\//);
      });

      it('queries: NOT_FOUND, NOTPAY, then SUCCESS with amount, transaction id and time', async () => {
        expect(await gateway.query(order(v))).toEqual({ tradeState: 'NOT_FOUND', paid: false });
        const o = order(v);
        const { codeUrl } = await gateway.createPrepay(o);
        expect((await gateway.query(o)).tradeState).toBe('NOTPAY');
        const trade = sim.ctx.trades.pay(sim.ctx.trades.lookup(codeUrl!)!, 'alice');
        const status = await gateway.query(o);
        expect(status).toMatchObject({
          tradeState: 'SUCCESS',
          paid: true,
          amountFen: 990,
          transactionId: trade.transactionId,
        });
        expect(Math.floor(status.paidAt!.getTime() / 1000)).toBe(Math.floor(trade.paidAt! / 1000));
        expect(status.payerOpenid).toBe(sim.ctx.users.openid('alice', sim.merchant.appid));
      });

      it('closes an unpaid order, reports ALREADY_PAID for a paid one and CLOSED for an unknown one', async () => {
        const unpaid = order(v);
        await gateway.createPrepay(unpaid);
        expect(await gateway.close(unpaid)).toBe('CLOSED');
        expect(sim.ctx.trades.lookup(unpaid.orderNo)!.state).toBe('CLOSED');
        expect(await gateway.close(unpaid)).toBe('CLOSED');

        const paid = order(v);
        const { codeUrl } = await gateway.createPrepay(paid);
        sim.ctx.trades.pay(sim.ctx.trades.lookup(codeUrl!)!, 'alice');
        expect(await gateway.close(paid)).toBe('ALREADY_PAID');
        expect(sim.ctx.trades.lookup(paid.orderNo)!.state).toBe('SUCCESS');

        expect(await gateway.close(order(v))).toBe('CLOSED');
      });

      it('turns a WeChat failure into WECHAT_UNAVAILABLE with WeChat’s code and no secret', async () => {
        const api = v === 'v2' ? 'v2.unifiedorder' : 'v3.transactions.native';
        sim.ctx.faults.setApiFaults([{ api, kind: v === 'v2' ? 'SYSTEMERROR' : 'HTTP_500' }]);
        try {
          const error = await rejection(gateway.createPrepay(order(v)));
          expect(error.code).toBe('WECHAT_UNAVAILABLE');
          expect(error.details.wechatCode).toBeTruthy();
          expect(error.details.retryable).toBe(true);
          assertNoSecret(`${error.message} ${JSON.stringify(error.details)}`);
        } finally {
          sim.ctx.faults.setApiFaults([]);
        }
      });
    });
  }

  describe('payment notifications', () => {
    const m = () => sim.merchant;
    const v3Signer = () => {
      const record = sim.ctx.merchants.get(m().mchid)!;
      return { privateKey: record.publicKeyPrivatePem, serial: record.publicKeyId };
    };
    const transaction = (total: number, outTradeNo = 'N20261122000001') => ({
      appid: m().appid,
      mchid: m().mchid,
      out_trade_no: outTradeNo,
      transaction_id: '4200000000202611221234567890',
      trade_type: 'NATIVE' as const,
      trade_state: 'SUCCESS' as const,
      trade_state_desc: '支付成功',
      success_time: '2026-11-22T20:00:05+08:00',
      payer: { openid: 'o-payer' },
      amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    });

    it('v2: verifies with the API key and maps the fields; one changed byte is rejected', async () => {
      const body = buildV2PaymentNotification(
        {
          appid: m().appid,
          mch_id: m().mchid,
          out_trade_no: 'N1',
          transaction_id: 'T1',
          total_fee: 990,
          time_end: '20261122200005',
        },
        m().apiKey,
      );
      const payment = await inbound.v2.verifyPayment({}, Buffer.from(body));
      expect(payment).toEqual({
        apiVersion: 'v2',
        orderNo: 'N1',
        transactionId: 'T1',
        appid: m().appid,
        mchid: m().mchid,
        amountFen: 990,
        tradeState: 'SUCCESS',
        paidAt: new Date('2026-11-22T12:00:05Z'),
        payerOpenid: expect.any(String),
      });
      const altered = body.replace(/(<total_fee>(?:<!\[CDATA\[)?)990/, '$1991');
      expect(altered).not.toBe(body);
      const error = await rejection(inbound.v2.verifyPayment({}, Buffer.from(altered)));
      expect(error.code).toBe('NOTIFICATION_REJECTED');
      expect(error.details.reason).toBe('sign-mismatch');
      assertNoSecret(`${error.message} ${JSON.stringify(error.details)}`);
      // The sign that would have been accepted must not be told to the sender (a forging oracle).
      const forgedSign = v2Sign(parseV2Xml(altered), m().apiKey);
      expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(forgedSign);
    });

    it('v3: verifies, decrypts and maps TRANSACTION.SUCCESS; refuses other events and altered bodies', async () => {
      const built = buildV3Notification({
        event_type: 'TRANSACTION.SUCCESS',
        resource: transaction(990),
        apiV3Key: m().apiV3Key,
        signer: v3Signer(),
      });
      const payment = await inbound.v3.verifyPayment(built.headers, Buffer.from(built.body));
      const { decrypted, ...fields } = payment;
      expect(fields).toEqual({
        apiVersion: 'v3',
        orderNo: 'N20261122000001',
        transactionId: '4200000000202611221234567890',
        appid: m().appid,
        mchid: m().mchid,
        amountFen: 990,
        tradeState: 'SUCCESS',
        paidAt: new Date('2026-11-22T12:00:05Z'),
        payerOpenid: 'o-payer',
      });
      // The resource as decrypted, for the admin's notification view.
      expect(JSON.parse(decrypted!)).toMatchObject({
        out_trade_no: 'N20261122000001',
        transaction_id: '4200000000202611221234567890',
      });

      const altered = built.body.replace('"encrypt-resource"', '"encrypt-resourcf"');
      expect((await rejection(inbound.v3.verifyPayment(built.headers, Buffer.from(altered)))).code).toBe(
        'NOTIFICATION_REJECTED',
      );

      const refund = buildV3Notification({
        event_type: 'REFUND.SUCCESS',
        resource: {
          mchid: m().mchid,
          out_trade_no: 'N20261122000001',
          transaction_id: '4200000000202611221234567890',
          out_refund_no: 'R1',
          refund_id: '50000000000000000001',
          refund_status: 'SUCCESS',
          user_received_account: '支付用户零钱',
          amount: { total: 990, refund: 990, payer_total: 990, payer_refund: 990 },
        } as never,
        apiV3Key: m().apiV3Key,
        signer: v3Signer(),
      });
      const error = await rejection(inbound.v3.verifyPayment(refund.headers, Buffer.from(refund.body)));
      expect(error.details.reason).toBe('not-a-payment');
    });

    it('v3: checks the timestamp on real time, whatever the simulator’s clock says', async () => {
      sim.ctx.clock.advance(2 * 3600_000);
      const build = (now?: () => number) =>
        buildV3Notification({
          event_type: 'TRANSACTION.SUCCESS',
          resource: transaction(990),
          apiV3Key: m().apiV3Key,
          signer: v3Signer(),
          ...(now ? { now } : {}),
        });
      const realTime = build();
      expect((await inbound.v3.verifyPayment(realTime.headers, Buffer.from(realTime.body))).amountFen).toBe(
        990,
      );
      const simulatedTime = build(simNow);
      const error = await rejection(
        inbound.v3.verifyPayment(simulatedTime.headers, Buffer.from(simulatedTime.body)),
      );
      expect(error.details.reason).toBe('stale-timestamp');
      assertNoSecret(`${error.message} ${JSON.stringify(error.details)}`);
    });

    it('v3: a notification signed with another key is rejected', async () => {
      const other = await startSimulator({ port: 0 });
      try {
        const record = other.ctx.merchants.get(other.merchant.mchid)!;
        const built = buildV3Notification({
          event_type: 'TRANSACTION.SUCCESS',
          resource: transaction(990),
          apiV3Key: m().apiV3Key,
          signer: { privateKey: record.publicKeyPrivatePem, serial: v3Signer().serial },
        });
        const error = await rejection(inbound.v3.verifyPayment(built.headers, Buffer.from(built.body)));
        expect(error.code).toBe('NOTIFICATION_REJECTED');
      } finally {
        await other.stop();
      }
    });
  });

  function assertNoSecret(text: string): void {
    for (const secret of [config.apiKey, config.apiV3Key, config.privateKeyPem!.slice(40, 100)]) {
      expect(text).not.toContain(secret);
    }
  }
});
