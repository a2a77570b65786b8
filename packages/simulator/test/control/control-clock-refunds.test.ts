import type { V3Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/index.js';
import { type ControlCall, controlClient } from './support/control-client.js';
import { type NotifyReceiver, outTradeNo, startNotifyReceiver, v3ClientFor } from './support/merchant-kit.js';

describe('control API: clock, refunds, notification log', () => {
  let sim: RunningSimulator;
  let call: ControlCall;
  let client: V3Client;
  let merchant: NotifyReceiver;

  /** A paid v3 Native order. */
  const paidOrder = async (total = 300) => {
    const no = outTradeNo('RF');
    await client.transactions.native({
      appid: sim.merchant.appid,
      description: 'refund me',
      out_trade_no: no,
      notify_url: merchant.url,
      amount: { total },
    });
    const paid = await call('POST', `/orders/${no}/pay`, { user: 'alice' });
    expect(paid.body.order.state).toBe('SUCCESS');
    return no;
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    call = controlClient(sim.url);
    // the merchant's clock follows the simulated one, or the moved clock would make signatures stale
    client = v3ClientFor(sim.merchant, sim.url, () => sim.ctx.clock.now());
    merchant = await startNotifyReceiver(client);
  });
  afterAll(async () => {
    await client?.close();
    await merchant?.close();
    await sim?.stop();
  });

  it('advances the clock by one unit at a time, only forward', async () => {
    const before = await call('GET', '/clock');
    expect(before.body.offsetMs).toBe(0);
    const moved = await call('POST', '/clock/advance', { minutes: 5 });
    expect(moved.status).toBe(200);
    expect(moved.body.offsetMs).toBe(300_000);
    expect(moved.body.now).toBeGreaterThanOrEqual(before.body.now + 300_000);
    expect(new Date(moved.body.iso).getTime()).toBe(moved.body.now);
    expect((await call('POST', '/clock/advance', { ms: 1500 })).body.offsetMs).toBe(301_500);
    expect((await call('GET', '/clock')).body.offsetMs).toBe(301_500);
  });

  it.each([
    ['nothing', {}, 'give exactly one of ms, seconds, minutes, hours, days'],
    ['two units', { minutes: 1, hours: 1 }, 'give exactly one of'],
    ['a negative amount', { hours: -1 }, 'body field "hours" must be a number ≥ 0'],
    ['text', { minutes: '5' }, 'body field "minutes" must be a number'],
    ['more than a year', { days: 400 }, 'cannot advance more than 366 days at once'],
  ])('refuses to advance the clock by %s', async (_what, body, message) => {
    const offset = (await call('GET', '/clock')).body.offsetMs;
    const answer = await call('POST', '/clock/advance', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
    expect((await call('GET', '/clock')).body.offsetMs).toBe(offset);
  });

  it('lets an order expire when the clock passes its two hours', async () => {
    const no = outTradeNo('EXP');
    await client.transactions.native({
      appid: sim.merchant.appid,
      description: 'expires',
      out_trade_no: no,
      notify_url: merchant.url,
      amount: { total: 1 },
    });
    expect((await call('GET', `/orders/${no}`)).body.order.expired).toBe(false);
    await call('POST', '/clock/advance', { hours: 2 });
    expect((await call('GET', `/orders/${no}`)).body.order.expired).toBe(true);
    const late = await call('POST', `/orders/${no}/pay`, { user: 'alice' });
    expect(late.status).toBe(409);
    expect(late.body).toEqual({ error: 'ORDER_EXPIRED', message: '订单已过期' });
  });

  it('settles a refund with a forced outcome, and the merchant hears of it', async () => {
    const no = await paidOrder(300);
    await client.refunds.create({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      notify_url: merchant.url,
      amount: { refund: 100, total: 300 },
    });
    const processing = await call('GET', `/refunds?status=PROCESSING&mchid=${sim.merchant.mchid}`);
    expect(processing.body).toEqual([
      expect.objectContaining({
        outRefundNo: `${no}R1`,
        refundFen: 100,
        amountText: '¥1.00',
        status: 'PROCESSING',
      }),
    ]);
    expect((await call('GET', `/orders/${no}`)).body.refunds).toHaveLength(1);

    const path = `/refunds/${sim.merchant.mchid}/${no}R1/settle`;
    expect((await call('POST', path, { outcome: 'LOST' })).status).toBe(400);
    const settled = await call('POST', path, { outcome: 'ABNORMAL' });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('ABNORMAL');
    const event = await merchant.next('REFUND.ABNORMAL', no);
    expect(event.resource).toMatchObject({ out_refund_no: `${no}R1`, refund_status: 'ABNORMAL' });

    const again = await call('POST', path, { outcome: 'SUCCESS' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'REFUND_SETTLED', message: `refund ${no}R1 already ended ABNORMAL` });
    expect((await call('POST', `/refunds/${sim.merchant.mchid}/NOPE/settle`, {})).status).toBe(404);
  });

  it('sets how refunds behave; the next one ends CLOSED once the clock passes the delay', async () => {
    const behaviour = await call('PUT', '/refunds/behaviour', {
      settleDelayMs: 60_000,
      nextOutcome: 'CLOSED',
    });
    expect(behaviour.body).toEqual({ settleDelayMs: 60_000, nextOutcome: 'CLOSED' });
    expect((await call('GET', '/refunds/behaviour')).body).toEqual(behaviour.body);
    const no = await paidOrder(200);
    await client.refunds.create({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      amount: { refund: 200, total: 200 },
    });

    await call('POST', '/clock/advance', { seconds: 30 });
    expect((await client.refunds.query(`${no}R1`)).status).toBe('PROCESSING');
    await call('POST', '/clock/advance', { seconds: 31 });
    expect((await client.refunds.query(`${no}R1`)).status).toBe('CLOSED');
    const listed = (await call('GET', '/refunds?status=CLOSED')).body;
    expect(listed.map((r: { outRefundNo: string }) => r.outRefundNo)).toContain(`${no}R1`);

    await call('PUT', '/refunds/behaviour', { settleDelayMs: 5000, nextOutcome: 'SUCCESS' });
    expect((await call('PUT', '/refunds/behaviour', { settleDelayMs: -1 })).status).toBe(400);
    expect((await call('PUT', '/refunds/behaviour', { nextOutcome: 'PROCESSING' })).status).toBe(400);
    expect((await call('GET', '/refunds?status=DONE')).status).toBe(400);
  });

  it('logs failed deliveries, retries them on the moved clock, and resends by hand', async () => {
    merchant.answer = 'fail';
    const no = await paidOrder(50);
    await expect
      .poll(
        async () => (await call('GET', `/notifications?outTradeNo=${no}`)).body[0]?.lastAttempt?.httpStatus,
      )
      .toBe(500);
    const [pending] = (
      await call('GET', `/notifications?status=pending&mchid=${sim.merchant.mchid}`)
    ).body.filter((n: { outTradeNo: string }) => n.outTradeNo === no);
    expect(pending).toMatchObject({ event: 'TRANSACTION.SUCCESS', status: 'pending', attemptCount: 1 });
    expect(pending.lastAttempt).toMatchObject({ httpStatus: 500, acked: false });
    expect(pending.body).toBeUndefined();

    const detail = await call('GET', `/notifications/${pending.id}`);
    expect(detail.status).toBe(200);
    expect(JSON.parse(detail.body.body)).toMatchObject({ id: pending.id, event_type: 'TRANSACTION.SUCCESS' });
    expect(detail.body.headers).toHaveProperty('Wechatpay-Signature');

    await call('POST', '/clock/advance', { seconds: 15 });
    await expect
      .poll(async () => (await call('GET', `/notifications/${pending.id}`)).body.attempts.length)
      .toBe(2);

    merchant.answer = 'ack';
    const resent = await call('POST', `/notifications/${pending.id}/resend`, {});
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'delivered', attemptCount: 3 });
    expect(resent.body.lastAttempt).toMatchObject({ manual: true, acked: true, httpStatus: 204 });
    expect((await merchant.next('TRANSACTION.SUCCESS', no)).resource).toMatchObject({ out_trade_no: no });

    expect((await call('POST', '/notifications/nope/resend', {})).status).toBe(404);
    expect((await call('GET', '/notifications/nope')).status).toBe(404);
    expect((await call('GET', '/notifications?status=lost')).status).toBe(400);
  });
});
