import { describe, expect, it } from 'vitest';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

describe('control API: orders, scanning and paying', () => {
  const suite = useControlSuite();

  const nativeOrder = async (total = 1999, description = '控制接口 Control test') => {
    const no = outTradeNo();
    const { code_url } = await suite.nativeOrder({ outTradeNo: no, description, total });
    return { outTradeNo: no, codeUrl: code_url };
  };

  it('finds an order by out_trade_no, code_url and prepay_id, with money formatted from fen', async () => {
    const order = await nativeOrder(123456, '大件 Large item');
    const byNo = await suite.call('GET', `/orders/${order.outTradeNo}`);
    expect(byNo.status).toBe(200);
    expect(byNo.body.order).toMatchObject({
      mchid: suite.sim.merchant.mchid,
      merchantName: suite.sim.merchant.name,
      outTradeNo: order.outTradeNo,
      codeUrl: order.codeUrl,
      tradeType: 'NATIVE',
      apiVersion: 'v3',
      description: '大件 Large item',
      totalFen: 123456,
      amountText: '¥1,234.56',
      state: 'NOTPAY',
      expired: false,
    });
    expect(byNo.body.refunds).toEqual([]);
    expect(byNo.body.notifications).toEqual([]);
    const byCodeUrl = await suite.call('GET', `/orders/${encodeURIComponent(order.codeUrl)}`);
    expect(byCodeUrl.body.order.outTradeNo).toBe(order.outTradeNo);
    const byPrepay = await suite.call('GET', `/orders/${byNo.body.order.prepayId}`);
    expect(byPrepay.body.order.outTradeNo).toBe(order.outTradeNo);
    const scoped = await suite.call('GET', `/orders/${order.outTradeNo}?mchid=1999999999`);
    expect(scoped.status).toBe(404);
  });

  it('lists orders filtered by state and merchant, and refuses unknown states', async () => {
    const order = await nativeOrder();
    const unpaid = await suite.call('GET', `/orders?state=NOTPAY&mchid=${suite.sim.merchant.mchid}`);
    expect(unpaid.body.map((o: { outTradeNo: string }) => o.outTradeNo)).toContain(order.outTradeNo);
    expect(unpaid.body.every((o: { state: string }) => o.state === 'NOTPAY')).toBe(true);
    expect((await suite.call('GET', '/orders?mchid=1999999999')).body).toEqual([]);
    expect((await suite.call('GET', '/orders?limit=1')).body).toHaveLength(1);
    const bad = await suite.call('GET', '/orders?state=PAID');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('query parameter "state" must be one of NOTPAY');
    expect((await suite.call('GET', '/orders?limit=0')).status).toBe(400);
  });

  it('scans a code_url and pays it; the merchant gets a verified TRANSACTION.SUCCESS', async () => {
    const order = await nativeOrder(1999);
    const scanned = await suite.call('POST', '/scan', { code_url: order.codeUrl, user: 'bob' });
    expect(scanned.status).toBe(200);
    expect(scanned.body.order).toMatchObject({ outTradeNo: order.outTradeNo, state: 'NOTPAY' });

    const paid = await suite.call('POST', `/orders/${encodeURIComponent(order.codeUrl)}/pay`, {
      user: 'bob',
    });
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ state: 'SUCCESS', payerUser: 'bob', stateDesc: '支付成功' });
    const transactionId = paid.body.order.transactionId as string;
    expect(transactionId).toMatch(/^4200\d{24}$/);

    const event = await suite.merchant.next('TRANSACTION.SUCCESS', order.outTradeNo);
    expect(event.resource).toMatchObject({ out_trade_no: order.outTradeNo, transaction_id: transactionId });
    expect((await suite.client.transactions.queryById(transactionId)).trade_state).toBe('SUCCESS');

    const byTransaction = await suite.call('GET', `/orders/${transactionId}`);
    expect(byTransaction.body.order.outTradeNo).toBe(order.outTradeNo);
    await expect
      .poll(async () => (await suite.call('GET', `/orders/${transactionId}`)).body.notifications[0]?.status)
      .toBe('delivered');

    const twice = await suite.call('POST', `/orders/${order.outTradeNo}/pay`, { user: 'bob' });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual({ error: 'ORDER_PAID', message: '订单已支付' });
  });

  it.each([
    ['no QR content', {}, 400, 'missing body field "code_url"'],
    ['a web URL', { code_url: 'https://example.com/pay' }, 400, 'not a WeChat Pay QR code'],
    ['an unknown code_url', { code_url: 'weixin://wxpay/bizpayurl?pr=zzzzzzz' }, 404, 'order with code_url'],
    ['a number', { code_url: 42 }, 400, 'body field "code_url" must be a string'],
  ])('refuses to scan %s', async (_what, body, status, message) => {
    const answer = await suite.call('POST', '/scan', body);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toContain(message);
  });

  it('refuses a scan by a user who does not exist', async () => {
    const order = await nativeOrder();
    const answer = await suite.call('POST', '/scan', { code_url: order.codeUrl, user: 'mallory' });
    expect(answer.status).toBe(404);
    expect(answer.body.message).toBe('simulated user mallory not found');
  });

  it('pays a JSAPI order as its payer by default, found by openid, and refuses anyone else', async () => {
    const bobOpenid = (await suite.call('GET', `/users?appid=${suite.sim.merchant.appid}`)).body.find(
      (u: { id: string }) => u.id === 'bob',
    ).openid as string;
    const no = outTradeNo('JS');
    const { prepay_id } = await suite.jsapiOrder({
      outTradeNo: no,
      description: 'JSAPI',
      total: 5,
      openid: bobOpenid,
    });
    const opened = await suite.call('GET', `/orders/${prepay_id}`);
    expect(opened.body.order).toMatchObject({ tradeType: 'JSAPI', openid: bobOpenid, designatedUser: 'bob' });

    const byAlice = await suite.call('POST', `/orders/${prepay_id}/pay`, { user: 'alice' });
    expect(byAlice.status).toBe(409);
    expect(byAlice.body.error).toBe('OPENID_MISMATCH');
    const unknownOpenid = await suite.call('POST', `/orders/${prepay_id}/pay`, { openid: 'oNOBODY' });
    expect(unknownOpenid.status).toBe(404);
    expect(unknownOpenid.body.message).toContain('openid oNOBODY');

    const paid = await suite.call('POST', `/orders/${prepay_id}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.body.order).toMatchObject({ state: 'SUCCESS', payerOpenid: bobOpenid, payerUser: 'bob' });
  });

  it('pays by openid, and refuses a user whose balance is too low', async () => {
    const order = await nativeOrder(500);
    const carolOpenid = suite.sim.ctx.users.openid('carol', suite.sim.merchant.appid);
    const poor = await suite.call('POST', `/orders/${order.outTradeNo}/pay`, { openid: carolOpenid });
    expect(poor.status).toBe(409);
    expect(poor.body).toEqual({ error: 'NOT_ENOUGH', message: '用户余额不足' });
    expect((await suite.call('GET', `/orders/${order.outTradeNo}`)).body.order.state).toBe('NOTPAY');

    const aliceOpenid = suite.sim.ctx.users.openid('alice', suite.sim.merchant.appid);
    const paid = await suite.call('POST', `/orders/${order.outTradeNo}/pay`, { openid: aliceOpenid });
    expect(paid.body.order.payerUser).toBe('alice');
  });

  it('fails a payment (PAYERROR, no notification) and refuses to fail it twice', async () => {
    const order = await nativeOrder();
    const failed = await suite.call('POST', `/orders/${order.outTradeNo}/fail`);
    expect(failed.status).toBe(200);
    expect(failed.body.order.state).toBe('PAYERROR');
    expect((await suite.client.transactions.queryByOutTradeNo(order.outTradeNo)).trade_state).toBe(
      'PAYERROR',
    );
    const again = await suite.call('POST', `/orders/${order.outTradeNo}/fail`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('TRADE_STATE_ERROR');
    expect((await suite.call('GET', `/orders/${order.outTradeNo}`)).body.notifications).toEqual([]);
  });

  it('cancels the payment sheet of an open order only', async () => {
    const order = await nativeOrder();
    const cancelled = await suite.call('POST', `/orders/${order.outTradeNo}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.order.state).toBe('NOTPAY');
    await suite.call('POST', `/orders/${order.outTradeNo}/pay`, { user: 'alice' });
    const late = await suite.call('POST', `/orders/${order.outTradeNo}/cancel`, {});
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('TRADE_STATE_ERROR');
    expect((await suite.call('POST', '/orders/NO_SUCH_ORDER/cancel', {})).status).toBe(404);
  });

  it('refuses to pay an order closed by the merchant', async () => {
    const order = await nativeOrder();
    await suite.client.transactions.close(order.outTradeNo);
    const answer = await suite.call('POST', `/orders/${order.outTradeNo}/pay`, { user: 'alice' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('ORDER_CLOSED');
  });
});
