import { AccessTokenProvider, WechatPlatformError } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { caught } from './support/platform-sim.js';
import { usePlatformSim } from './support/use-platform-sim.js';

const p = usePlatformSim();

type App = { appid: string; secret: string };

function provider(app: App, useStableToken: boolean): AccessTokenProvider {
  return new AccessTokenProvider({ ...app, useStableToken, client: p.client, now: p.now });
}

/** Any API that takes the app's access_token, as application code would call it. */
function callApi(token: string) {
  return p.client.get<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip', { access_token: token });
}

async function rawToken(app: App): Promise<string> {
  const answer = await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...app });
  expect(answer.json).toMatchObject({ expires_in: 7200 });
  return answer.json.access_token as string;
}

async function rawStable(app: App, forceRefresh?: boolean) {
  const answer = await p.post('/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    ...app,
    force_refresh: forceRefresh,
  });
  return answer.json as { access_token: string; expires_in: number; errcode?: number; errmsg?: string };
}

async function apiErrcode(token: string): Promise<number> {
  const answer = await p.get('/cgi-bin/get_api_domain_ip', { access_token: token });
  return (answer.json.errcode as number | undefined) ?? 0;
}

/** Milliseconds to the next 00:00 in Beijing, when WeChat's daily quotas reset. */
function untilBeijingMidnight(): number {
  const day = 86_400_000;
  const shifted = p.now() + 8 * 3_600_000;
  return (Math.floor(shifted / day) + 1) * day - shifted;
}

async function setQuotas(quotas: Record<string, number>) {
  const answer = await p.send('PATCH', '/_sim/platform/settings', { body: JSON.stringify({ quotas }) });
  expect(answer.status).toBe(200);
}

describe('cgi-bin/token', () => {
  it('issues a 7200 s token that the SDK caches and that works on other cgi-bin calls', async () => {
    const { oa } = await p.freshApps();
    const tokens = provider(oa, false);
    const token = await tokens.getToken();
    expect(token).toMatch(/^\d+_[\w-]{100,}$/);
    expect(await tokens.getToken()).toBe(token);
    expect(await callApi(token)).toEqual({ ip_list: ['127.0.0.1'] });
    const answer = await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa });
    expect(answer.contentType).toBe('application/json; encoding=utf-8');
  });

  it('keeps a replaced token working for 5 minutes, then answers 40001; withAccessToken recovers', async () => {
    const { oa } = await p.freshApps();
    const tokens = provider(oa, false);
    const mine = await tokens.getToken();
    const theirs = await rawToken(oa); // a second deployment fetching its own token
    expect(theirs).not.toBe(mine);
    expect(await apiErrcode(mine)).toBe(0);

    p.advance(300);
    const refused = await p.get('/cgi-bin/get_api_domain_ip', { access_token: mine });
    expect(refused.json.errcode).toBe(40001);
    expect(refused.json.errmsg).toMatch(
      /^invalid credential, access_token is invalid or not latest.* rid: [0-9a-f]{8}-/,
    );
    expect(refused.json.errmsg).toContain('a newer access_token was fetched');
    expect(await apiErrcode(theirs)).toBe(0);

    expect(await tokens.withAccessToken(callApi)).toEqual({ ip_list: ['127.0.0.1'] });
    const renewed = await tokens.getToken();
    expect(renewed).not.toBe(mine);
    expect(await apiErrcode(renewed)).toBe(0);
    // Only the token replaced last gets the overlap: the one before it stops at once.
    expect(await apiErrcode(theirs)).toBe(0);
    await rawToken(oa);
    expect(await apiErrcode(theirs)).toBe(40001);
    expect(await apiErrcode(renewed)).toBe(0);
  });

  it('expires a token after 7200 s of simulated time (42001)', async () => {
    const { oa } = await p.freshApps();
    const token = await rawToken(oa);
    p.advance(7199);
    expect(await apiErrcode(token)).toBe(0);
    p.advance(1);
    const answer = await p.get('/cgi-bin/get_api_domain_ip', { access_token: token });
    expect(answer.json.errcode).toBe(42001);
    expect(answer.json.errmsg).toMatch(/^access_token expired/);
  });

  it('says precisely what is wrong with the request, never repeating a secret', async () => {
    const { oa, mini } = await p.freshApps();
    const wrong = 'Wr0ngSecretWr0ngSecretWr0ngSecre';
    const cases: Array<[Record<string, string>, number]> = [
      [{ grant_type: 'client_credential', appid: oa.appid, secret: wrong }, 40125],
      [{ grant_type: 'client_credential', appid: 'wx0000000000000000', secret: wrong }, 40013],
      [{ grant_type: 'client_credential', secret: oa.secret }, 41002],
      [{ grant_type: 'client_credential', appid: oa.appid }, 41004],
      [{ grant_type: 'password', ...oa }, 40002],
    ];
    for (const [query, errcode] of cases) {
      const answer = await p.get('/cgi-bin/token', query);
      expect(answer.status).toBe(200);
      expect(answer.json.errcode).toBe(errcode);
      expect(answer.text).not.toContain(wrong);
      expect(answer.text).not.toContain(oa.secret);
    }
    const mixUp = await p.get('/cgi-bin/token', {
      grant_type: 'client_credential',
      appid: oa.appid,
      secret: mini.secret,
    });
    expect(mixUp.json.errmsg).toMatch(/^invalid appsecret hint: \[.*AppSecret of .*mini-program/);
    expect(mixUp.text).not.toContain(mini.secret);
    expect(
      (await p.post('/cgi-bin/token', {}, { grant_type: 'client_credential', ...oa })).json.errcode,
    ).toBe(43001);

    const err = await caught(() => provider({ appid: oa.appid, secret: wrong }, false).getToken());
    expect(err).toBeInstanceOf(WechatPlatformError);
    expect((err as WechatPlatformError).errcode).toBe(40125);
    expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain(wrong);
  });

  it('enforces the daily quota (45009) until Beijing midnight or clear_quota', async () => {
    const { oa } = await p.freshApps();
    await setQuotas({ token: 2 });
    try {
      await rawToken(oa);
      const last = await rawToken(oa);
      const over = await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa });
      expect(over.json.errcode).toBe(45009);
      expect(over.json.errmsg).toMatch(/^reach max api daily quota limit/);
      const err = await caught(() => provider(oa, false).getToken());
      expect((err as WechatPlatformError).errcode).toBe(45009);

      const cleared = await p.post('/cgi-bin/clear_quota', { appid: oa.appid }, { access_token: last });
      expect(cleared.json).toEqual({ errcode: 0, errmsg: 'ok' });
      await rawToken(oa);
      await rawToken(oa);
      expect((await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa })).json.errcode).toBe(
        45009,
      );

      p.advance(untilBeijingMidnight() / 1000 - 1);
      expect((await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa })).json.errcode).toBe(
        45009,
      );
      p.advance(1);
      await rawToken(oa);
    } finally {
      await setQuotas({ token: 2000 });
    }
  });

  it('checks the token of cgi-bin calls it does not implement, then says they are not simulated', async () => {
    const { oa } = await p.freshApps();
    const token = await rawToken(oa);
    expect((await p.get('/cgi-bin/user/info')).json.errcode).toBe(41001);
    expect((await p.get('/cgi-bin/user/info', { access_token: 'nope' })).json.errcode).toBe(40001);
    const unimplemented = await p.get('/cgi-bin/user/info', { access_token: token, openid: 'x' });
    expect(unimplemented.json.errcode).toBe(48001);
    expect(unimplemented.json.errmsg).toContain('does not implement /cgi-bin/user/info');
  });
});

describe('cgi-bin/stable_token', () => {
  it('hands out the same token until its last 5 minutes, untouched by cgi-bin/token', async () => {
    const { oa } = await p.freshApps();
    const tokens = provider(oa, true);
    const stable = await tokens.getToken();
    p.advance(60);
    const again = await rawStable(oa);
    expect(again.access_token).toBe(stable);
    expect(again.expires_in).toBeGreaterThanOrEqual(7200 - 61);
    expect(again.expires_in).toBeLessThanOrEqual(7200 - 60);
    await rawToken(oa);
    await rawToken(oa);
    expect(await apiErrcode(stable)).toBe(0);
    expect(await tokens.withAccessToken(callApi)).toEqual({ ip_list: ['127.0.0.1'] });
  });

  it('renews in the last 5 minutes while the old token keeps working until it expires', async () => {
    const { oa } = await p.freshApps();
    const first = await rawStable(oa);
    p.advance(7200 - 300);
    const next = await rawStable(oa);
    expect(next.access_token).not.toBe(first.access_token);
    expect(next.expires_in).toBe(7200);
    expect(await apiErrcode(first.access_token)).toBe(0);
    expect((await rawStable(oa)).access_token).toBe(next.access_token);
    p.advance(300);
    expect(await apiErrcode(first.access_token)).toBe(42001);
    expect(await apiErrcode(next.access_token)).toBe(0);
  });

  it('force_refresh revokes the previous token at once; the SDK recovers with the new one', async () => {
    const { oa } = await p.freshApps();
    const tokens = provider(oa, true);
    const before = await tokens.getToken();
    const forced = await rawStable(oa, true);
    expect(forced.access_token).not.toBe(before);
    expect(forced.expires_in).toBe(7200);
    expect(await apiErrcode(before)).toBe(40001);
    expect(await tokens.withAccessToken(callApi)).toEqual({ ip_list: ['127.0.0.1'] });
    expect(await tokens.getToken()).toBe(forced.access_token);
  });

  it('ignores force_refresh within 30 s of the last one and refuses past the daily limit (45009)', async () => {
    const { oa } = await p.freshApps();
    await setQuotas({ forceRefresh: 2 });
    try {
      const a = await rawStable(oa, true);
      expect((await rawStable(oa, true)).access_token).toBe(a.access_token);
      p.advance(30);
      const b = await rawStable(oa, true);
      expect(b.access_token).not.toBe(a.access_token);
      p.advance(30);
      const over = await rawStable(oa, true);
      expect(over.errcode).toBe(45009);
      expect(over.errmsg).toContain('force_refresh was used 2 times today');
      expect((await rawStable(oa)).access_token).toBe(b.access_token);
    } finally {
      await setQuotas({ forceRefresh: 20 });
    }
  });

  it('takes POST JSON only and refuses malformed requests in WeChat words', async () => {
    const { oa } = await p.freshApps();
    const wrong = 'Wr0ngSecretWr0ngSecretWr0ngSecre';
    const errcode = async (body: unknown) => (await p.post('/cgi-bin/stable_token', body)).json.errcode;
    expect(
      (await p.get('/cgi-bin/stable_token', { grant_type: 'client_credential', ...oa })).json.errcode,
    ).toBe(43002);
    expect(await errcode('grant_type=client_credential')).toBe(47001);
    expect(await errcode('')).toBe(44002);
    expect(await errcode({ grant_type: 'client_credential', ...oa, force_refresh: 'true' })).toBe(47001);
    expect(await errcode({ grant_type: 'client_credential', secret: oa.secret })).toBe(41002);
    expect(await errcode({ grant_type: 'authorization_code', ...oa })).toBe(40002);
    const refused = await p.post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: oa.appid,
      secret: wrong,
    });
    expect(refused.json.errcode).toBe(40125);
    expect(refused.text).not.toContain(wrong);
  });
});
