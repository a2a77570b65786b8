import { buildBizPayUrl, buildV2Xml, parseV2Xml } from '@wechatpay-kit/sdk';
import { nonceStr, v2Sign, v2Verify } from '@wechatpay-kit/sdk/crypto';
import { afterEach, expect, it } from 'vitest';
import { eventually, json, readEvents, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

type OrderBody = {
  orderNo: string;
  state: string;
  payType: string;
  apiVersion: string;
  amount: number;
  wechatError?: { code: string; message: string };
};

describeOnEngines('Native mode 1 (product QR)', nativeMode1Suite);

function nativeMode1Suite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });
  afterEach(() => {
    demo.simulator.ctx.faults.setApiFaults([]);
  });

  const merchant = () => demo.simulator.merchant;
  const db = () => demo.service.database.db;
  const openidOf = (user: string) => demo.simulator.ctx.users.openid(user, merchant().appid);

  /** A scan callback as WeChat sends it, signed with `key` (the merchant's v2 key unless forged). */
  function callback(fields: Partial<Record<string, string>> = {}, key = merchant().apiKey) {
    const body = {
      appid: merchant().appid,
      openid: openidOf('carol'),
      mch_id: merchant().mchid,
      is_subscribe: 'N',
      nonce_str: nonceStr(),
      product_id: 'demo-coffee',
      ...fields,
    };
    return { fields: body, xml: buildV2Xml({ ...body, sign: v2Sign(body, key) }) };
  }

  async function post(xml: string): Promise<Record<string, string>> {
    const response = await fetch(`${demo.url}/api/native/callback`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(response.status).toBe(200);
    return parseV2Xml(await response.text());
  }

  /** The reply is ours: signed with the merchant's key, naming our appid and mch_id. */
  function expectSignedByUs(reply: Record<string, string>): void {
    expect(() => v2Verify(reply, merchant().apiKey, 'MD5')).not.toThrow();
    expect(reply).toMatchObject({ appid: merchant().appid, mch_id: merchant().mchid });
  }

  const orderCount = async () =>
    Number(
      (
        await db()
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const callbackLog = () =>
    db()
      .selectFrom('notifications_received')
      .selectAll()
      .where('kind', '=', 'product-callback')
      .orderBy('id', 'desc')
      .execute();
  const orderOfKey = (f: Record<string, string>) =>
    db()
      .selectFrom('orders')
      .selectAll()
      .where('mode1_callback_key', '=', `${f.openid}/${f.product_id}/${f.nonce_str}`)
      .execute();

  it('serves a signed bizpayurl per product, as text, SVG and PNG; none for unknown or withdrawn products', async () => {
    const { status, body } = await json<{ productId: string; url: string }>(
      `${demo.url}/api/products/demo-coffee/bizpayurl`,
    );
    expect(status).toBe(200);
    expect(body.url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?sign=[0-9A-F]{32}&/);
    const query = Object.fromEntries(new URLSearchParams(body.url.split('?')[1]));
    expect(query).toMatchObject({
      appid: merchant().appid,
      mch_id: merchant().mchid,
      product_id: 'demo-coffee',
    });
    expect(() => v2Verify(query, merchant().apiKey, 'MD5')).not.toThrow();
    expect(() => v2Verify({ ...query, product_id: 'demo-tea' }, merchant().apiKey, 'MD5')).toThrow();

    const svg = await fetch(`${demo.url}/api/products/demo-coffee/qrcode.svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg[\s\S]*<path/);
    const png = await fetch(`${demo.url}/api/products/demo-coffee/qrcode.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const unknown = await json(`${demo.url}/api/products/no-such-thing/bizpayurl`);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'PRODUCT_NOT_FOUND' } });
    expect((await fetch(`${demo.url}/api/products/no-such-thing/qrcode.svg`)).status).toBe(404);
    await db().updateTable('products').set({ active: 0 }).where('id', '=', 'demo-test-1fen').execute();
    try {
      expect((await json(`${demo.url}/api/products/demo-test-1fen/bizpayurl`)).status).toBe(404);
    } finally {
      await db().updateTable('products').set({ active: 1 }).where('id', '=', 'demo-test-1fen').execute();
    }
  });

  it('scan at the simulator → callback → v2 NATIVE order for the scanner → pay → notified → PAID', async () => {
    const { body } = await json<{ url: string }>(`${demo.url}/api/products/demo-coffee/bizpayurl`);
    const before = await orderCount();
    const scanned = await json<{ order: { outTradeNo: string; amount?: unknown } }>(
      `${demo.simulator.url}/_sim/scan`,
      { method: 'POST', body: JSON.stringify({ code_url: body.url, user: 'bob' }) },
    );
    expect(scanned.status).toBe(200);
    expect(await orderCount()).toBe(before + 1);

    const [row] = await db()
      .selectFrom('orders')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(1)
      .execute();
    expect(row).toMatchObject({
      product_id: 'demo-coffee',
      pay_type: 'NATIVE',
      api_version: 'v2',
      openid: openidOf('bob'),
      amount_fen: 990,
      state: 'NOTPAY',
    });
    expect(row!.prepay_id).toBeTruthy();
    expect(JSON.stringify(scanned.body.order)).toContain(row!.order_no);
    const [logged] = await callbackLog();
    expect(logged).toMatchObject({
      order_no: row!.order_no,
      verified: 1,
      outcome: 'order-created',
      api_version: 'v2',
    });
    expect(logged!.raw_body).toContain('<product_id><![CDATA[demo-coffee]]></product_id>');

    const { states } = await readEvents(
      `${demo.url}/api/orders/${row!.order_no}/events`,
      (event) => event.state === 'PAID',
      () => {
        void fetch(`${demo.simulator.url}/_sim/orders/${row!.prepay_id}/pay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: 'bob' }),
        });
      },
    );
    expect(states).toEqual(['NOTPAY', 'PAID']);
    const paid = await json<OrderBody & { transactionId: string }>(`${demo.url}/api/orders/${row!.order_no}`);
    expect(paid.body).toMatchObject({ state: 'PAID', payType: 'NATIVE', apiVersion: 'v2' });
    expect(demo.simulator.ctx.trades.lookup(row!.prepay_id!)?.payerOpenid).toBe(openidOf('bob'));
  });

  it('a replayed callback gets the same prepay and creates no second order', async () => {
    const { fields, xml } = callback();
    const first = await post(xml);
    expect(first).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expectSignedByUs(first);
    const count = await orderCount();
    const again = await post(xml);
    expect(again).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      prepay_id: first.prepay_id,
    });
    expectSignedByUs(again);
    expect(await orderCount()).toBe(count);
    const orders = await orderOfKey(fields);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ prepay_id: first.prepay_id, openid: openidOf('carol') });
    const [latest] = await callbackLog();
    expect(latest).toMatchObject({ outcome: 'replayed', order_no: orders[0]!.order_no, verified: 1 });
  });

  it('two copies of one callback racing: one order, and every answer is signed', async () => {
    const { fields, xml } = callback();
    const replies = await Promise.all([post(xml), post(xml), post(xml)]);
    expect(await orderOfKey(fields)).toHaveLength(1);
    const [order] = await orderOfKey(fields);
    for (const reply of replies) {
      expectSignedByUs(reply);
      // A loser answers the winner's prepay, or "busy" when the winner has not got it yet.
      if (reply.result_code === 'SUCCESS') expect(reply.prepay_id).toBe(order!.prepay_id);
      else expect(reply.err_code_des).toContain('系统繁忙');
    }
    expect(replies.some((r) => r.result_code === 'SUCCESS')).toBe(true);
  });

  it('a tampered or forged callback is refused (signed FAIL), creates nothing and is logged as rejected', async () => {
    const count = await orderCount();
    const { xml } = callback({ product_id: 'demo-test-1fen' });
    const tampered = xml.replace('demo-test-1fen', 'demo-tea');
    const reply = await post(tampered);
    expect(reply).toMatchObject({ return_code: 'FAIL', return_msg: '签名失败' });
    expect(reply.result_code).toBeUndefined();
    expectSignedByUs(reply);

    const forged = await post(callback({}, 'k'.repeat(32)).xml);
    expect(forged).toMatchObject({ return_code: 'FAIL', return_msg: '签名失败' });
    expect(await orderCount()).toBe(count);
    const [last, previous] = await callbackLog();
    expect(last).toMatchObject({ verified: 0, outcome: 'rejected: bad-signature', order_no: null });
    expect(previous).toMatchObject({ verified: 0, outcome: 'rejected: bad-signature', raw_body: tampered });
  });

  it('a callback for another merchant, or unreadable XML, is refused and changes nothing', async () => {
    const count = await orderCount();
    const other = await post(callback({ mch_id: '1900000999' }).xml);
    expect(other).toMatchObject({ return_code: 'FAIL' });
    expect(other.return_msg).toContain('1900000999');
    const otherApp = await post(callback({ appid: 'wx0000000000000000' }).xml);
    expect(otherApp).toMatchObject({ return_code: 'FAIL' });
    expect((await callbackLog())[0]).toMatchObject({ verified: 1, outcome: 'rejected: another merchant' });

    const entity = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><xml><appid>&e;</appid></xml>`;
    expect(await post(entity)).toMatchObject({ return_code: 'FAIL', return_msg: '参数格式校验错误' });
    expect(await post('<xml><appid>')).toMatchObject({ return_code: 'FAIL' });
    expect((await callbackLog())[0]).toMatchObject({ verified: 0, outcome: 'rejected: malformed' });
    const huge = `<xml><appid>${'x'.repeat(40_000)}</appid></xml>`;
    expect(await post(huge)).toMatchObject({ return_code: 'FAIL' });
    expect(await orderCount()).toBe(count);
  });

  it('unknown, sold-out and withdrawn products get a signed result FAIL saying so, and no order', async () => {
    const count = await orderCount();
    const unknown = await post(callback({ product_id: 'no-such-thing' }).xml);
    expect(unknown).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL' });
    expect(unknown.err_code_des).toContain('商品不存在');
    expect(unknown.prepay_id).toBeUndefined();
    expectSignedByUs(unknown);

    // The simulator shows the merchant's err_code_des to the scanner.
    const qr = buildBizPayUrl(
      { appid: merchant().appid, mch_id: merchant().mchid, product_id: 'no-such-thing' },
      merchant().apiKey,
    );
    const scan = await json<{ message: string }>(`${demo.simulator.url}/_sim/scan`, {
      method: 'POST',
      body: JSON.stringify({ code_url: qr, user: 'alice' }),
    });
    expect(scan.status).toBeGreaterThanOrEqual(400);
    expect(scan.body.message).toContain('商品不存在');

    await db().updateTable('products').set({ stock: 0 }).where('id', '=', 'demo-tea').execute();
    await db().updateTable('products').set({ active: 0 }).where('id', '=', 'demo-test-1fen').execute();
    try {
      const soldOut = await post(callback({ product_id: 'demo-tea' }).xml);
      expect(soldOut).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL' });
      expect(soldOut.err_code_des).toContain('商品已售完');
      expectSignedByUs(soldOut);
      expect((await callbackLog())[0]).toMatchObject({ verified: 1, outcome: 'declined: sold out' });
      const withdrawn = await post(callback({ product_id: 'demo-test-1fen' }).xml);
      expect(withdrawn.err_code_des).toContain('商品已下架');
    } finally {
      await db().updateTable('products').set({ stock: 100 }).where('id', '=', 'demo-tea').execute();
      await db().updateTable('products').set({ active: 1 }).where('id', '=', 'demo-test-1fen').execute();
    }
    expect(await orderCount()).toBe(count);
  });

  it("WeChat's SYSTEMERROR on unifiedorder: result FAIL naming it, and the order keeps the error", async () => {
    demo.simulator.ctx.faults.setApiFaults([{ api: 'v2.unifiedorder', kind: 'SYSTEMERROR' }]);
    const { fields, xml } = callback();
    const reply = await post(xml);
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL' });
    expect(reply.err_code_des).toContain('SYSTEMERROR');
    expectSignedByUs(reply);
    const [order] = await orderOfKey(fields);
    expect(order).toMatchObject({ state: 'NOTPAY', prepay_id: null, wechat_error_code: 'SYSTEMERROR' });
    const view = await json<OrderBody>(`${demo.url}/api/orders/${order!.order_no}`);
    expect(view.body.wechatError?.code).toBe('SYSTEMERROR');
    expect((await callbackLog())[0]).toMatchObject({
      order_no: order!.order_no,
      outcome: 'declined: SYSTEMERROR',
    });
  });

  it('a unifiedorder slower than the answer budget: "busy" in time, the prepay is stored when it comes', async () => {
    demo.simulator.ctx.faults.setApiFaults([
      { api: 'v2.unifiedorder', kind: 'SLOW', delayMs: 4_500, times: 1 },
    ]);
    const { fields, xml } = callback();
    const reply = await post(xml);
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL' });
    expect(reply.err_code_des).toContain('系统繁忙');
    const prepayId = await eventually(
      async () => (await orderOfKey(fields))[0]?.prepay_id ?? undefined,
      15_000,
    );
    // WeChat never replays a scan, but if it did, the order now has its prepay.
    expect(await post(xml)).toMatchObject({ result_code: 'SUCCESS', prepay_id: prepayId });
  });
}
