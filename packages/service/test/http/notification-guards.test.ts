/**
 * Payment notifications that look genuine but must not pay anything, each checked directly through
 * real HTTP into the service, with real signatures, on both engines:
 * - signed with this merchant's own keys but naming another `mch_id` / `mchid` or an appid that is
 *   not ours. For v2 the API key signs whatever fields it is given, so the use case's merchant check
 *   is the only guard; for v3 it stops a resource decrypted with our key but meant for someone else;
 * - with an empty signature (v3 `Wechatpay-Signature`, v2 `sign`), everything else genuine.
 */
import { buildV2PaymentNotification, buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { expect, it } from 'vitest';
import type { TestDemo } from './demo-harness.js';
import { json } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

type OrderBody = { orderNo: string; state: string; amount: number; transactionId?: string };
type Detail = { order: OrderBody; notifications: { verified: boolean | number; outcome: string }[] };
type Version = 'v2' | 'v3';

const OTHER_MCHID = '1900000999';
const OTHER_APPID = 'wx00000000000000bad';
let seq = 0;
const transactionId = () =>
  `4200000000202612${String(Date.now()).slice(-8)}${String(++seq).padStart(4, '0')}`;

describeOnEngines('payment notifications that must not pay', (engine) => {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  const createOrder = async (apiVersion: Version) =>
    (
      await json<OrderBody>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion }),
      })
    ).body;

  /** The notification WeChat would send for `order`, signed with the real keys, naming `appid` and `mchid`. */
  function notification(version: Version, order: OrderBody, names: { appid: string; mchid: string }) {
    const m = demo.simulator.merchant;
    const now = demo.simulator.ctx.clock.now();
    if (version === 'v2') {
      const xml = buildV2PaymentNotification(
        {
          appid: names.appid,
          mch_id: names.mchid,
          out_trade_no: order.orderNo,
          transaction_id: transactionId(),
          total_fee: order.amount,
        },
        m.apiKey,
        'MD5',
        now,
      );
      return { body: xml, headers: { 'Content-Type': 'text/xml' } };
    }
    const record = demo.simulator.ctx.merchants.get(m.mchid)!;
    const built = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      apiV3Key: m.apiV3Key,
      signer: { privateKey: record.publicKeyPrivatePem, serial: record.publicKeyId },
      now: () => now,
      resource: {
        appid: names.appid,
        mchid: names.mchid,
        out_trade_no: order.orderNo,
        transaction_id: transactionId(),
        trade_type: 'NATIVE',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        success_time: new Date(now).toISOString().replace('Z', '+00:00'),
        payer: { openid: 'o-merchant-check' },
        amount: { total: order.amount, payer_total: order.amount, currency: 'CNY', payer_currency: 'CNY' },
      },
    });
    return { body: built.body, headers: built.headers };
  }

  const deliver = async (version: Version, sent: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(`${demo.url}/api/notify/${version}`, { method: 'POST', ...sent });
    const text = await response.text();
    return {
      status: response.status,
      acked: version === 'v2' ? text.includes('SUCCESS') : response.ok,
      text,
    };
  };

  const detail = async (orderNo: string) =>
    (
      await json<Detail>(`${demo.url}/api/admin/orders/${orderNo}`, {
        headers: { Authorization: `Bearer ${demo.adminToken}` },
      })
    ).body;

  for (const version of ['v2', 'v3'] as const) {
    for (const [what, names] of [
      ['mchid', () => ({ appid: demo.simulator.merchant.appid, mchid: OTHER_MCHID })],
      ['appid', () => ({ appid: OTHER_APPID, mchid: demo.simulator.merchant.mchid })],
    ] as const) {
      it(`${version}: naming another ${what} is refused (WeChat told to resend), the order stays NOTPAY`, async () => {
        const order = await createOrder(version);
        const answer = await deliver(version, notification(version, order, names()));
        expect(answer.acked).toBe(false);
        if (version === 'v2') expect(answer.text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
        else expect(JSON.parse(answer.text)).toMatchObject({ code: 'FAIL' });

        const { order: after, notifications } = await detail(order.orderNo);
        expect(after.state).toBe('NOTPAY');
        expect(after.transactionId ?? null).toBeNull();
        if (version === 'v3' && what === 'mchid') {
          // The SDK's v3 parser already refuses a resource for another mchid, before the use case.
          expect(answer.text).toContain('not for this merchant');
          expect(answer.text).toContain('(field-mismatch)');
          expect(answer.text).not.toContain('signature check failed');
          return;
        }
        expect(notifications).toHaveLength(1);
        expect(Boolean(notifications[0]!.verified)).toBe(true);
        expect(notifications[0]!.outcome).toBe('rejected: appid or mchid does not match this merchant');
      });
    }

    it(`${version}: the same notification naming our appid and mchid pays the order (control)`, async () => {
      const order = await createOrder(version);
      const m = demo.simulator.merchant;
      const answer = await deliver(version, notification(version, order, { appid: m.appid, mchid: m.mchid }));
      expect(answer.acked).toBe(true);
      expect((await detail(order.orderNo)).order.state).toBe('PAID');
    });
  }

  it('v3 with an empty Wechatpay-Signature is refused as unverified, the order stays NOTPAY', async () => {
    const order = await createOrder('v3');
    const m = demo.simulator.merchant;
    const sent = notification('v3', order, { appid: m.appid, mchid: m.mchid });
    const answer = await deliver('v3', { ...sent, headers: { ...sent.headers, 'Wechatpay-Signature': '' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'FAIL' });
    expect(answer.text).toContain('missing-header');
    expect((await detail(order.orderNo)).order.state).toBe('NOTPAY');
  });

  it('v2 with an empty <sign> is refused as unverified, the order stays NOTPAY', async () => {
    const order = await createOrder('v2');
    const m = demo.simulator.merchant;
    const sent = notification('v2', order, { appid: m.appid, mchid: m.mchid });
    const emptied = sent.body.replace(/<sign>.*?<\/sign>/, '<sign><![CDATA[]]></sign>');
    expect(emptied).toContain('<sign><![CDATA[]]></sign>');
    const answer = await deliver('v2', { ...sent, body: emptied });
    expect(answer.text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    const { order: after, notifications } = await detail(order.orderNo);
    expect(after.state).toBe('NOTPAY');
    expect(notifications.map((n) => Boolean(n.verified))).toEqual([false]);
  });
});
