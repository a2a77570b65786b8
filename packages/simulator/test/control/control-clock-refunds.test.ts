import { describe, expect, it } from 'vitest';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

describe('control API: clock, refunds, notification log', () => {
  const suite = useControlSuite();

  /** A paid v3 Native order. */
  const paidOrder = async (total = 300) => {
    const no = outTradeNo('RF');
    await suite.nativeOrder({ outTradeNo: no, description: 'refund me', total });
    const paid = await suite.call('POST', `/orders/${no}/pay`, { user: 'alice' });
    expect(paid.body.order.state).toBe('SUCCESS');
    return no;
  };

  it('advances the clock by one unit at a time, only forward', async () => {
    const before = await suite.call('GET', '/clock');
    expect(before.body.offsetMs).toBe(0);
    const moved = await suite.call('POST', '/clock/advance', { minutes: 5 });
    expect(moved.status).toBe(200);
    expect(moved.body.offsetMs).toBe(300_000);
    expect(moved.body.now).toBeGreaterThanOrEqual(before.body.now + 300_000);
    expect(new Date(moved.body.iso).getTime()).toBe(moved.body.now);
    expect((await suite.call('POST', '/clock/advance', { ms: 1500 })).body.offsetMs).toBe(301_500);
    expect((await suite.call('GET', '/clock')).body.offsetMs).toBe(301_500);
  });

  it.each([
    ['nothing', {}, 'give exactly one of ms, seconds, minutes, hours, days'],
    ['two units', { minutes: 1, hours: 1 }, 'give exactly one of'],
    ['a negative amount', { hours: -1 }, 'body field "hours" must be a number ≥ 0'],
    ['text', { minutes: '5' }, 'body field "minutes" must be a number'],
    ['more than a year', { days: 400 }, 'cannot advance more than 366 days at once'],
  ])('refuses to advance the clock by %s', async (_what, body, message) => {
    const offset = (await suite.call('GET', '/clock')).body.offsetMs;
    const answer = await suite.call('POST', '/clock/advance', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
    expect((await suite.call('GET', '/clock')).body.offsetMs).toBe(offset);
  });

  it('lets an order expire when the clock passes its two hours', async () => {
    const no = outTradeNo('EXP');
    await suite.nativeOrder({ outTradeNo: no, description: 'expires', total: 1 });
    expect((await suite.call('GET', `/orders/${no}`)).body.order.expired).toBe(false);
    await suite.call('POST', '/clock/advance', { hours: 2 });
    expect((await suite.call('GET', `/orders/${no}`)).body.order.expired).toBe(true);
    const late = await suite.call('POST', `/orders/${no}/pay`, { user: 'alice' });
    expect(late.status).toBe(409);
    expect(late.body).toEqual({ error: 'ORDER_EXPIRED', message: '订单已过期' });
  });

  it('settles a refund with a forced outcome, and the merchant hears of it', async () => {
    const no = await paidOrder(300);
    await suite.client.refunds.create({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      notify_url: suite.merchant.url,
      amount: { refund: 100, total: 300 },
    });
    const processing = await suite.call(
      'GET',
      `/refunds?status=PROCESSING&mchid=${suite.sim.merchant.mchid}`,
    );
    expect(processing.body).toEqual([
      expect.objectContaining({
        outRefundNo: `${no}R1`,
        refundFen: 100,
        amountText: '¥1.00',
        status: 'PROCESSING',
      }),
    ]);
    expect((await suite.call('GET', `/orders/${no}`)).body.refunds).toHaveLength(1);

    const path = `/refunds/${suite.sim.merchant.mchid}/${no}R1/settle`;
    expect((await suite.call('POST', path, { outcome: 'LOST' })).status).toBe(400);
    const settled = await suite.call('POST', path, { outcome: 'ABNORMAL' });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('ABNORMAL');
    const event = await suite.merchant.next('REFUND.ABNORMAL', no);
    expect(event.resource).toMatchObject({ out_refund_no: `${no}R1`, refund_status: 'ABNORMAL' });

    // ABNORMAL is not final: the merchant re-routes the money, and WeChat then reports SUCCESS.
    expect((await suite.call('POST', path, { outcome: 'ABNORMAL' })).status).toBe(409);
    const reRouted = await suite.call('POST', path, { outcome: 'SUCCESS' });
    expect(reRouted.status).toBe(200);
    expect(reRouted.body.status).toBe('SUCCESS');
    const success = await suite.merchant.next('REFUND.SUCCESS', no);
    expect(success.resource).toMatchObject({ out_refund_no: `${no}R1`, refund_status: 'SUCCESS' });

    const again = await suite.call('POST', path, { outcome: 'CLOSED' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'REFUND_SETTLED', message: `refund ${no}R1 already ended SUCCESS` });
    expect((await suite.call('POST', `/refunds/${suite.sim.merchant.mchid}/NOPE/settle`, {})).status).toBe(
      404,
    );
  });

  it('sets how refunds behave; the next one ends CLOSED once the clock passes the delay', async () => {
    const behaviour = await suite.call('PUT', '/refunds/behaviour', {
      settleDelayMs: 60_000,
      nextOutcome: 'CLOSED',
    });
    expect(behaviour.body).toEqual({ settleDelayMs: 60_000, nextOutcome: 'CLOSED' });
    expect((await suite.call('GET', '/refunds/behaviour')).body).toEqual(behaviour.body);
    const no = await paidOrder(200);
    await suite.client.refunds.create({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      amount: { refund: 200, total: 200 },
    });

    await suite.call('POST', '/clock/advance', { seconds: 30 });
    expect((await suite.client.refunds.query(`${no}R1`)).status).toBe('PROCESSING');
    await suite.call('POST', '/clock/advance', { seconds: 31 });
    expect((await suite.client.refunds.query(`${no}R1`)).status).toBe('CLOSED');
    const listed = (await suite.call('GET', '/refunds?status=CLOSED')).body;
    expect(listed.map((r: { outRefundNo: string }) => r.outRefundNo)).toContain(`${no}R1`);

    await suite.call('PUT', '/refunds/behaviour', { settleDelayMs: 5000, nextOutcome: 'SUCCESS' });
    expect((await suite.call('PUT', '/refunds/behaviour', { settleDelayMs: -1 })).status).toBe(400);
    expect((await suite.call('PUT', '/refunds/behaviour', { nextOutcome: 'PROCESSING' })).status).toBe(400);
    expect((await suite.call('GET', '/refunds?status=DONE')).status).toBe(400);
  });

  it('logs failed deliveries, retries them on the moved clock, and resends by hand', async () => {
    suite.merchant.answer = 'fail';
    const no = await paidOrder(50);
    await expect
      .poll(
        async () =>
          (await suite.call('GET', `/notifications?outTradeNo=${no}`)).body[0]?.lastAttempt?.httpStatus,
      )
      .toBe(500);
    const [pending] = (
      await suite.call('GET', `/notifications?status=pending&mchid=${suite.sim.merchant.mchid}`)
    ).body.filter((n: { outTradeNo: string }) => n.outTradeNo === no);
    expect(pending).toMatchObject({ event: 'TRANSACTION.SUCCESS', status: 'pending', attemptCount: 1 });
    expect(pending.lastAttempt).toMatchObject({ httpStatus: 500, acked: false });
    expect(pending.body).toBeUndefined();

    const detail = await suite.call('GET', `/notifications/${pending.id}`);
    expect(detail.status).toBe(200);
    expect(JSON.parse(detail.body.body)).toMatchObject({ id: pending.id, event_type: 'TRANSACTION.SUCCESS' });
    expect(detail.body.headers).toHaveProperty('Wechatpay-Signature');

    await suite.call('POST', '/clock/advance', { seconds: 15 });
    await expect
      .poll(async () => (await suite.call('GET', `/notifications/${pending.id}`)).body.attempts.length)
      .toBe(2);

    suite.merchant.answer = 'ack';
    const resent = await suite.call('POST', `/notifications/${pending.id}/resend`, {});
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'delivered', attemptCount: 3 });
    expect(resent.body.lastAttempt).toMatchObject({ manual: true, acked: true, httpStatus: 204 });
    expect((await suite.merchant.next('TRANSACTION.SUCCESS', no)).resource).toMatchObject({
      out_trade_no: no,
    });

    expect((await suite.call('POST', '/notifications/nope/resend', {})).status).toBe(404);
    expect((await suite.call('GET', '/notifications/nope')).status).toBe(404);
    expect((await suite.call('GET', '/notifications?status=lost')).status).toBe(400);
  });
});
