import {
  type MiniProgramPayParams,
  MiniProgramPlayer,
  playMiniProgramPurchase,
} from '@wechatpay-kit/simulator';
import { expect, it } from 'vitest';
import { eventually, json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';
import { loginCode, miniProgramLogin, payParamsSignatureValid, signInWithOAuth } from './wechat-sign-in.js';

const PAY_KEYS = ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp'];

interface OrderBody {
  orderNo: string;
  state: string;
  payType: string;
  payParams?: Record<string, string>;
  wechatError?: { code: string; message: string };
  error?: string;
  message?: string;
  wechatCode?: string;
}

describeOnEngines('JSAPI and mini-program orders over HTTP', (engine) => {
  let demo: TestDemo;
  const m = () => demo.simulator.merchant;
  const openid = (user: string, appid: string) => demo.simulator.ctx.users.openid(user, appid);
  const order = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-tea', ...body }),
      headers,
    });
  const storedOrders = async () =>
    (await demo.service.database.db.selectFrom('orders').select(['order_no', 'openid', 'state']).execute())
      .length;
  const paidAtSimulator = async (prepayId: string, user: string) =>
    json(`${demo.simulator.url}/_sim/orders/${prepayId}/pay`, {
      method: 'POST',
      body: JSON.stringify({ user }),
    });
  const stateOf = async (orderNo: string) =>
    (await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body.state;

  useTestDemo(engine, (started) => {
    demo = started;
  });

  for (const apiVersion of ['v2', 'v3'] as const) {
    it(`${apiVersion} JSAPI: the session's openid pays, payParams verify, the order becomes PAID`, async () => {
      const cookie = await signInWithOAuth(demo, 'bob');
      const created = await order({ payType: 'JSAPI', apiVersion }, { cookie });
      expect(created.status).toBe(201);
      const params = created.body.payParams!;
      expect(Object.keys(params).sort()).toEqual(PAY_KEYS);
      expect(params.appId).toBe(m().appid);
      expect(params.signType).toBe(apiVersion === 'v2' ? 'MD5' : 'RSA');
      expect(params.package).toMatch(/^prepay_id=\w+/);
      expect(payParamsSignatureValid(demo, params)).toBe(true);
      expect(payParamsSignatureValid(demo, { ...params, package: 'prepay_id=other' })).toBe(false);

      const row = await demo.service.database.db
        .selectFrom('orders')
        .select(['openid', 'prepay_id'])
        .where('order_no', '=', created.body.orderNo)
        .executeTakeFirstOrThrow();
      expect(row.openid).toBe(openid('bob', m().appid));
      expect(`prepay_id=${row.prepay_id}`).toBe(params.package);

      // Re-signing for a second attempt: same prepay, fresh signature.
      const again = await json<OrderBody>(`${demo.url}/api/orders/${created.body.orderNo}/prepay`, {
        method: 'POST',
      });
      expect(again.body.payParams?.package).toBe(params.package);
      expect(payParamsSignatureValid(demo, again.body.payParams!)).toBe(true);

      // What WeChat's client checks before showing the pay sheet: our params, for bob.
      const verified = await json(`${demo.simulator.url}/_sim/pay-requests/verify`, {
        method: 'POST',
        body: JSON.stringify({ ...params, kind: 'jsapi' }),
      });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ payerOpenid: openid('bob', m().appid), apiVersion });

      expect(await stateOf(created.body.orderNo)).toBe('NOTPAY');
      const paid = await json(`${demo.simulator.url}/_sim/pay-requests/pay`, {
        method: 'POST',
        body: JSON.stringify({ ...again.body.payParams, kind: 'jsapi' }),
      });
      expect(paid.body).toMatchObject({ result: 'ok' });
      await eventually(async () => ((await stateOf(created.body.orderNo)) === 'PAID' ? true : undefined));
    });

    it(`${apiVersion} MINIPROGRAM: login → Bearer token → payParams under the mini-program appid → PAID`, async () => {
      const login = await miniProgramLogin(demo, 'alice');
      expect(login.openid).toBe(openid('alice', m().miniProgramAppid));
      const created = await order(
        { payType: 'MINIPROGRAM', apiVersion },
        { authorization: `Bearer ${login.token}` },
      );
      expect(created.status).toBe(201);
      const params = created.body.payParams!;
      expect(Object.keys(params).sort()).toEqual(PAY_KEYS);
      expect(params.appId).toBe(m().miniProgramAppid);
      expect(payParamsSignatureValid(demo, params)).toBe(true);
      const prepayId = String(params.package).slice('prepay_id='.length);
      expect((await paidAtSimulator(prepayId, 'alice')).status).toBe(200);
      await eventually(async () => ((await stateOf(created.body.orderNo)) === 'PAID' ? true : undefined));
    });

    it(`${apiVersion} a payer openid WeChat does not know for the appid: WeChat's error on the order, nothing to pay`, async () => {
      // No session: a backend passing an openid of the mini-program for an official-account order.
      for (const wrong of [openid('carol', m().miniProgramAppid), 'x-not-an-openid']) {
        const created = await order({ payType: 'JSAPI', apiVersion, openid: wrong });
        expect(created.status).toBe(201);
        expect(created.body.state).toBe('NOTPAY');
        expect(created.body.payParams).toBeUndefined();
        expect(created.body.wechatError?.code).toMatch(/PARAM_ERROR|INVALID_REQUEST/);
        const row = await demo.service.database.db
          .selectFrom('orders')
          .select(['prepay_id', 'state'])
          .where('order_no', '=', created.body.orderNo)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ prepay_id: null, state: 'NOTPAY' });
      }
    });
  }

  it('the mini-program player: wx.login → login → Bearer order → wx.requestPayment → PAID (v2 and v3)', async () => {
    for (const apiVersion of ['v2', 'v3'] as const) {
      const played = await playMiniProgramPurchase({
        simulatorUrl: demo.simulator.url,
        serviceUrl: demo.url,
        user: 'carol',
        productId: 'demo-test-1fen',
        apiVersion,
      });
      expect(played.errMsg).toBe('requestPayment:ok');
      await eventually(async () => ((await stateOf(played.orderNo)) === 'PAID' ? true : undefined));
      const row = await demo.service.database.db
        .selectFrom('orders')
        .select(['openid', 'pay_type', 'api_version'])
        .where('order_no', '=', played.orderNo)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        openid: openid('carol', m().miniProgramAppid),
        pay_type: 'MINIPROGRAM',
        api_version: apiVersion,
      });
    }
    // Cancelled in the mini-program: the order stays open.
    const phone = new MiniProgramPlayer({ simulatorUrl: demo.simulator.url });
    const { code } = await phone.login('bob');
    const login = await json<{ token: string }>(`${demo.url}/api/miniprogram/login`, {
      method: 'POST',
      body: JSON.stringify({ code }),
    });
    const created = await order({ payType: 'MINIPROGRAM' }, { authorization: `Bearer ${login.body.token}` });
    await expect(
      phone.requestPayment(created.body.payParams as unknown as MiniProgramPayParams, {
        action: 'cancel',
      }),
    ).rejects.toMatchObject({
      errMsg: 'requestPayment:fail cancel',
    });
    expect(await stateOf(created.body.orderNo)).toBe('NOTPAY');
  });

  it('a body openid never overrides the session: a different one is refused, nothing is stored', async () => {
    const cookie = await signInWithOAuth(demo, 'bob');
    const before = await storedOrders();
    const other = await order({ payType: 'JSAPI', openid: openid('alice', m().appid) }, { cookie });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('OPENID_MISMATCH');
    expect(await storedOrders()).toBe(before);
    const same = await order({ payType: 'JSAPI', openid: openid('bob', m().appid) }, { cookie });
    expect(same.status).toBe(201);
  });

  it('forged, foreign and expired sessions are 401 and create nothing', async () => {
    const cookie = await signInWithOAuth(demo, 'bob');
    const { token } = await miniProgramLogin(demo, 'bob');
    const before = await storedOrders();
    const flip = (t: string) => `${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`;
    const attempts: [string, Record<string, string>][] = [
      ['JSAPI', { cookie: flip(cookie) }],
      ['MINIPROGRAM', { authorization: `Bearer ${flip(token)}` }],
      // A web session is not a mini-program token, and the other way round.
      ['MINIPROGRAM', { authorization: `Bearer ${cookie.slice('wxsession='.length)}` }],
      ['JSAPI', { cookie: `wxsession=${token}` }],
    ];
    for (const [payType, headers] of attempts) {
      const answer = await order({ payType }, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('SESSION_INVALID');
    }
    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ hours: 3 }),
    });
    expect((await order({ payType: 'JSAPI' }, { cookie })).status).toBe(401);
    expect((await order({ payType: 'MINIPROGRAM' }, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await json(`${demo.url}/api/session`, { headers: { cookie } })).status).toBe(401);
    expect(await storedOrders()).toBe(before);
  });

  it('mini-program login: bad, used and expired codes are 401 with WeChat’s errcode; session_key never leaves', async () => {
    const code = await loginCode(demo, 'carol');
    const ok = await json<Record<string, unknown>>(`${demo.url}/api/miniprogram/login`, {
      method: 'POST',
      body: JSON.stringify({ code }),
    });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(['expiresAt', 'openid', 'token']);
    expect(JSON.stringify(ok.body)).not.toMatch(/session_key/i);

    const expired = await loginCode(demo, 'carol');
    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ minutes: 6 }),
    });
    for (const [given, errcode] of [
      [code, /4016[3]|40029/],
      ['not-a-code-we-issued', /40029/],
      [expired, /40029|40163|42003/],
    ] as const) {
      const refused = await json(`${demo.url}/api/miniprogram/login`, {
        method: 'POST',
        body: JSON.stringify({ code: given }),
      });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('LOGIN_CODE_INVALID');
      expect(String(refused.body.message)).toMatch(errcode);
      expect(String(refused.body.message)).not.toContain(m().miniProgramSecret);
    }
  });
});
