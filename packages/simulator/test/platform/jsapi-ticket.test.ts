import { AccessTokenProvider, JsapiTicketProvider, WechatPlatformError } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { caught } from './support/platform-sim.js';
import { usePlatformSim } from './support/use-platform-sim.js';

const p = usePlatformSim();

type App = { appid: string; secret: string };

function providers(app: App, useStableToken = false) {
  const tokens = new AccessTokenProvider({ ...app, useStableToken, client: p.client, now: p.now });
  return { tokens, tickets: new JsapiTicketProvider({ tokenProvider: tokens, now: p.now }) };
}

async function rawToken(app: App): Promise<string> {
  return (await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...app })).json
    .access_token as string;
}

async function verify(config: Record<string, unknown>) {
  const answer = await p.post('/_sim/platform/jssdk/verify', config);
  expect(answer.status).toBe(200);
  return answer.json as { valid: boolean; reason?: string };
}

describe('cgi-bin/ticket/getticket', () => {
  it('signs wx.config with a ticket the simulated JS-SDK accepts, for the page URL without its fragment', async () => {
    const { oa } = await p.freshApps();
    const { tickets } = providers(oa, true);
    const page = 'https://shop.example.com/pay?order=42#/confirm';
    const config = await tickets.jssdkConfig(page, ['chooseWXPay']);
    expect(config).toMatchObject({ appId: oa.appid, jsApiList: ['chooseWXPay'] });
    expect(await verify({ ...config, url: page })).toEqual({ valid: true });
    expect(await verify({ ...config, url: 'https://shop.example.com/pay?order=42' })).toEqual({
      valid: true,
    });

    const other = await verify({ ...config, url: 'https://shop.example.com/pay?order=43' });
    expect(other.valid).toBe(false);
    expect(other.reason).toContain('url=https://shop.example.com/pay?order=43');
    const upper = await verify({ ...config, url: page, signature: config.signature.toUpperCase() });
    expect(upper.reason).toContain('lower-case hex');

    const ticket = await tickets.getTicket();
    expect(await tickets.getTicket()).toBe(ticket);
    p.advance(7200);
    expect((await verify({ ...config, url: page })).reason).toContain('no live jsapi_ticket');
  });

  it('answers in WeChat shape and insists on a valid app access_token', async () => {
    const { oa } = await p.freshApps();
    const token = await rawToken(oa);
    const answer = await p.get('/cgi-bin/ticket/getticket', { access_token: token, type: 'jsapi' });
    expect(answer.json).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(answer.json.ticket).toMatch(/^[\w-]{80,}$/);

    const errcode = async (query: Record<string, string>) =>
      (await p.get('/cgi-bin/ticket/getticket', query)).json.errcode;
    expect(await errcode({ type: 'jsapi' })).toBe(41001);
    expect(await errcode({ access_token: `${token}x`, type: 'jsapi' })).toBe(40001);
    expect(await errcode({ access_token: token })).toBe(40097);
    expect(await errcode({ access_token: token, type: 'card' })).toBe(40097);
    expect(await errcode({ access_token: token, type: 'wx_card' })).toBe(0);
    p.advance(7200);
    expect(await errcode({ access_token: token, type: 'jsapi' })).toBe(42001);
  });

  it('fetches again with a new token when its cached token was replaced (40001 → retry)', async () => {
    const { oa } = await p.freshApps();
    const { tokens, tickets } = providers(oa);
    const stale = await tokens.getToken();
    await rawToken(oa);
    await rawToken(oa); // two fetches elsewhere: `stale` stops at once
    expect(
      (await p.get('/cgi-bin/ticket/getticket', { access_token: stale, type: 'jsapi' })).json.errcode,
    ).toBe(40001);
    const ticket = await tickets.getTicket();
    expect(ticket).toMatch(/^[\w-]{80,}$/);
    expect(await tokens.getToken()).not.toBe(stale);
  });

  it('enforces the daily getticket quota (45009)', async () => {
    const { oa } = await p.freshApps();
    const setQuota = (getticket: number) =>
      p.send('PATCH', '/_sim/platform/settings', { body: JSON.stringify({ quotas: { getticket } }) });
    await setQuota(1);
    try {
      const token = await rawToken(oa);
      expect(
        (await p.get('/cgi-bin/ticket/getticket', { access_token: token, type: 'jsapi' })).json.errcode,
      ).toBe(0);
      const { tickets } = providers(oa);
      const err = await caught(() => tickets.getTicket());
      expect(err).toBeInstanceOf(WechatPlatformError);
      expect((err as WechatPlatformError).errcode).toBe(45009);
      const settings = await p.get('/_sim/platform/settings');
      expect((settings.json.usageToday as Record<string, Record<string, number>>)[oa.appid]).toMatchObject({
        getticket: 1,
      });
    } finally {
      await setQuota(2000);
    }
  });
});
