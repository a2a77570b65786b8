/**
 * The framework helpers in real Koa, Express and Fastify apps on real ports, fed by the simulator
 * (genuine signed v3 and v2 notifications, the mode-1 scan callback) and by the /testing builders
 * (tampered, oversized, refunds, slow and failing handlers).
 */
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WechatPayNotificationError } from '../../src/errors.js';
import { buildBizPayUrl } from '../../src/v2/native-mode1.js';
import { frameworkApps, PARSED_PATH, type RunningApp } from './support/framework-apps.js';
import {
  paidNotification,
  post,
  postChunked,
  refundNotification,
  v2RefundNotification,
} from './support/notification-fixtures.js';
import {
  answeredNotification,
  connectClients,
  control,
  errors,
  got,
  outTradeNo,
  paidAndAnswered,
  received,
  rig,
  routes,
  waitFor,
} from './support/notification-rig.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  connectClients(sim);
});

afterAll(async () => {
  await rig.v3?.close();
  await rig.v2?.close();
  await sim?.stop();
});

afterEach(() => {
  received.length = 0;
  errors.length = 0;
});

describe.each(Object.entries(frameworkApps))('%s', (framework, start) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await start(routes());
  });
  afterAll(async () => {
    await app?.close();
  });

  it('ACKs a genuine v3 payment notification and hands the typed event to the handler once', async () => {
    const no = outTradeNo('V3');
    await rig.v3.transactions.native({
      appid: rig.sim.merchant.appid,
      description: '拿铁咖啡',
      out_trade_no: no,
      notify_url: `${app.url}/sim/v3`,
      amount: { total: 990 },
    });
    const attempt = await paidAndAnswered(no);
    expect(attempt).toMatchObject({ acked: true, httpStatus: 204 });
    const events = got('/sim/v3') as {
      event_type: string;
      resource: { out_trade_no: string; amount: { total: number }; transaction_id: string };
    }[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: no, amount: { total: 990 } },
    });
    expect(events[0]!.resource.transaction_id).toMatch(/^\d+$/);
    expect(errors).toEqual([]);
  });

  it('ACKs a genuine v3 refund notification with the refund resource', async () => {
    const no = outTradeNo('RF');
    const { mchid, appid } = rig.sim.merchant;
    const notify_url = `${app.url}/sim/v3`;
    await rig.v3.transactions.native({
      appid,
      description: '拿铁咖啡',
      out_trade_no: no,
      notify_url,
      amount: { total: 990 },
    });
    await paidAndAnswered(no);
    const out_refund_no = `${no}R`;
    await rig.v3.refunds.create({
      out_trade_no: no,
      out_refund_no,
      notify_url,
      amount: { refund: 300, total: 990, currency: 'CNY' },
    });
    await control('POST', `/refunds/${mchid}/${out_refund_no}/settle`, { outcome: 'SUCCESS' });
    expect(await answeredNotification(no, 'refund')).toMatchObject({ acked: true, httpStatus: 204 });
    expect(got('/sim/v3').at(-1)).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      resource: { out_trade_no: no, out_refund_no, refund_status: 'SUCCESS', amount: { refund: 300 } },
    });
  });

  it('ACKs a genuine v2 payment notification with return_code SUCCESS', async () => {
    const no = outTradeNo('V2');
    await rig.v2.unifiedOrder({
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
      body: '拿铁咖啡',
      out_trade_no: no,
      total_fee: 990,
      spbill_create_ip: '203.0.113.7',
      notify_url: `${app.url}/sim/v2`,
    });
    const attempt = await paidAndAnswered(no);
    expect(attempt).toMatchObject({ acked: true, httpStatus: 200 });
    expect(got('/sim/v2')).toEqual([expect.objectContaining({ out_trade_no: no, total_fee: 990 })]);
  });

  it('answers the mode-1 scan callback with a signed prepay the simulator accepts', async () => {
    const m = rig.sim.merchant;
    await control('PATCH', `/merchants/${m.mchid}`, { nativeCallbackUrl: `${app.url}/sim/mode1` });
    const bizpayurl = buildBizPayUrl({ appid: m.appid, mch_id: m.mchid, product_id: 'SKU-42' }, m.apiKey);
    const scanned = (await control('POST', '/scan', { code_url: bizpayurl, user: 'bob' })) as {
      order: { outTradeNo: string; state: string };
    };
    expect(scanned.order).toMatchObject({ state: 'NOTPAY', outTradeNo: expect.stringMatching(/^M1/) });
    expect(got('/sim/mode1')).toEqual([expect.objectContaining({ product_id: 'SKU-42', mch_id: m.mchid })]);
  });

  it('refuses a tampered body without calling the handler', async () => {
    const { headers, body } = paidNotification();
    const answer = await post(`${app.url}/fx/v3`, body.replace('支付成功', '支付失败'), headers);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    expect(got('/fx/v3')).toEqual([]);
    expect(errors.map((e) => e.info.stage)).toEqual(['verify']);
  });

  it('says the body was parsed first and how to mount the handler, in WeChat’s format', async () => {
    const { headers, body } = paidNotification();
    const answer = await post(`${app.url}${PARSED_PATH}`, body, headers);
    expect(answer.status).toBe(500);
    const { code, message } = JSON.parse(answer.body) as { code: string; message: string };
    expect(code).toBe('FAIL');
    expect(message).toMatch(/请求体已被 body parser 解析/);
    expect(message).toMatch(/already parsed by a body parser/);
    expect(message).toMatch(
      framework === 'fastify'
        ? /fastifyNotifications/
        : framework === 'koa'
          ? /koa-bodyparser/
          : /express\.json\(\)/,
    );
    expect(errors[0]?.error).toBeInstanceOf(WechatPayNotificationError);
    expect(errors[0]?.error).toMatchObject({ reason: 'already-parsed' });
    expect(got(PARSED_PATH)).toEqual([]);
  });

  it('turns a throwing handler into a WeChat failure, not a framework error page', async () => {
    const { headers, body } = paidNotification();
    const answer = await post(`${app.url}/fx/throws`, body, headers);
    expect(answer.status).toBe(500);
    expect(answer.contentType).toMatch(/^application\/json/);
    const reply = JSON.parse(answer.body) as { code: string; message: string };
    expect(reply.code).toBe('FAIL');
    expect(reply.message).not.toMatch(/10\.0\.0\.7/);
    expect(errors).toEqual([
      {
        error: expect.objectContaining({ message: 'database is down at 10.0.0.7' }),
        info: expect.objectContaining({ stage: 'handler', late: false }),
      },
    ]);
  });

  it('answers failure within the budget when the handler is slow, and reports its late outcome', async () => {
    const { headers, body } = paidNotification();
    const started = Date.now();
    const answer = await post(`${app.url}/fx/slow`, body, headers);
    expect(Date.now() - started).toBeLessThan(550);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    await waitFor(() => (errors.length === 2 ? true : undefined), 'the late outcome');
    expect(errors.map((e) => [e.info.stage, e.info.late])).toEqual([
      ['timeout', false],
      ['handler', true],
    ]);
  });

  it('refuses an oversized body, declared or chunked', async () => {
    const declared = await post(`${app.url}/fx/v3`, 'x'.repeat(70 * 1024), {
      'content-type': 'application/json',
    });
    expect(declared.status).toBe(413);
    const chunked = await postChunked(`${app.url}/fx/v3`, 80, 1024);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ code: 'FAIL' });
    expect(errors.map((e) => (e.error as WechatPayNotificationError).reason)).toEqual([
      'too-large',
      'too-large',
    ]);
  });

  it('ACKs v3 and v2 refund notifications with their typed content', async () => {
    const v3Refund = refundNotification();
    expect((await post(`${app.url}/fx/v3`, v3Refund.body, v3Refund.headers)).status).toBe(204);
    const v2Refund = await post(`${app.url}/fx/v2/refund`, v2RefundNotification(), {
      'content-type': 'text/xml',
    });
    expect(v2Refund.status).toBe(200);
    expect(v2Refund.body).toContain('<return_code><![CDATA[SUCCESS]]></return_code>');
    expect(got('/fx/v3')).toEqual([
      expect.objectContaining({
        event_type: 'REFUND.SUCCESS',
        resource: expect.objectContaining({ out_refund_no: 'FWR20261202000001' }),
      }),
    ]);
    expect(got('/fx/v2/refund')).toEqual([
      expect.objectContaining({ out_refund_no: 'FWR20261202000001', refund_fee: 300 }),
    ]);
  });
});
